"""The shops' stores and their products' variants as the connector reports them, and who may see them."""

from dataclasses import dataclass
from typing import Literal

MappingState = Literal["mapped", "unmapped", "broken"]


@dataclass(frozen=True)
class Store:
    store_id: str
    client_id: str
    platform: str
    name: str
    connected: bool = True
    version: int | None = None


@dataclass(frozen=True)
class StoreVariant:
    store_id: str
    platform_product_id: str
    platform_variant_id: str
    product_title: str
    product_status: str | None
    variant_title: str | None
    sku: str | None
    options: dict[str, str]
    removed: bool = False

    @property
    def label(self) -> str:
        """How a person names the variant: its title, else its option values, else its id."""
        return self.variant_title or " / ".join(self.options.values()) or self.platform_variant_id


@dataclass(frozen=True)
class Viewer:
    """Who is asking: an operator sees every store; anyone else their client's stores, and a
    store manager only the stores of its token."""

    role: str
    client_id: str | None
    store_ids: tuple[str, ...]

    def may_see(self, store: Store) -> bool:
        if self.role == "operator":
            return True
        if self.client_id != store.client_id:
            return False
        return self.role != "store_manager" or store.store_id in self.store_ids

    @property
    def may_change_mappings(self) -> bool:
        return self.role in ("admin", "store_manager")


UNPUBLISHED = {"draft", "archived", "unpublished", "deleted", "inactive", "private", "trash"}


def is_unpublished(status: str | None) -> bool:
    return (status or "").strip().lower() in UNPUBLISHED
