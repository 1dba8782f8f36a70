from dataclasses import dataclass, replace
from typing import Literal

Locale = Literal["en", "fr"]


@dataclass(frozen=True)
class StorefrontAccess:
    """Whether a client may use Storefronts, and who its first admin is."""

    client_id: str
    enabled: bool
    admin_user_id: str
    locale: Locale = "en"

    def switched(self, enabled: bool) -> "StorefrontAccess":
        return replace(self, enabled=enabled)
