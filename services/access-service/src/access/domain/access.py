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
    version: int = 1  # raised by one with each change; StorefrontAccessGranted carries it

    def switched(self, enabled: bool) -> "StorefrontAccess":
        return replace(self, enabled=enabled, version=self.version + 1)

    def turned_on(self, admin_user_id: str, locale: Locale) -> "StorefrontAccess":
        return replace(self, enabled=True, admin_user_id=admin_user_id, locale=locale, version=self.version + 1)
