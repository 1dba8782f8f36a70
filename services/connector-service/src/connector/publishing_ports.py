"""What creating a product in a shop adds to ``ports``: the product as asked (a draft), the
platforms whose adapter can create one, and the record of each publish request answered
(exactly once: a request delivered twice creates one product)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, runtime_checkable

from connector.domain.publishing import Publication
from connector.ports import ShopConnection
from connector.ports import UnitOfWork as StoresUnitOfWork
from storefront_events import StoreProduct


@dataclass(frozen=True)
class DraftVariant:
    sku: str
    title: str
    options: Mapping[str, str]
    price: Decimal


@dataclass(frozen=True)
class ProductDraft:
    """A product to create, as the client configured it. ``handle``: the shop's key of the product
    (derived from the publish request id), so creating it again updates the same product."""

    handle: str
    title: str
    currency: str
    variants: Sequence[DraftVariant]
    description: str | None = None
    tags: Sequence[str] = ()
    image_urls: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class CreatedProduct:
    product: StoreProduct
    url: str | None = None


@runtime_checkable
class ProductCreatingPlatform(Protocol):
    """Platforms whose adapter creates products (Shopify) add this to ``ShopPlatform``."""

    async def create_product(self, connection: ShopConnection, draft: ProductDraft) -> CreatedProduct:
        """Creates the product, or updates the one with the draft's handle (never a second one);
        ``PlatformError`` when the platform refuses it, ``PlatformUnavailable`` when it does not answer."""
        ...


class Publications(Protocol):
    async def claim(self, publication: Publication) -> Publication:
        """The request's publication, locked until commit: the one recorded, or ``publication``
        recorded now (one statement: two deliveries of one request cannot both claim it new)."""
        ...

    async def save(self, publication: Publication) -> None: ...


class UnitOfWork(StoresUnitOfWork, Protocol):
    @property
    def publications(self) -> Publications: ...
