"""What the handlers need from the outside, as Protocols (adapters implement them)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from mapping.domain.catalog import CatalogProduct
from mapping.domain.design_files import FileFacts
from mapping.domain.imports import ImportJob
from mapping.domain.mappings import Mapping
from mapping.domain.publishing import ProductTemplate, PublishRequest
from mapping.domain.store_products import MappingState, Store, StoreVariant
from service_runtime.ports import EventOutbox
from service_runtime.ports import UnitOfWork as RuntimeUnitOfWork
from storefront_events import Event, StoreProduct


class Clock(Protocol):
    def now(self) -> datetime: ...


class DesignFileProblem(Exception):
    """A design file that could not be looked at: ``code`` is a message key
    (design_file_url_refused, design_file_unreachable, design_file_missing, design_file_too_large)."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


class DesignFiles(Protocol):
    async def inspect(self, url: str) -> FileFacts | None:
        """The facts of the file at ``url`` (None: not a format we know), or DesignFileProblem."""
        ...


class CatalogRepository(Protocol):
    async def get(self, uid: str, *, for_update: bool = False) -> CatalogProduct | None: ...
    async def get_many(self, uids: set[str]) -> dict[str, CatalogProduct]: ...
    def add(self, product: CatalogProduct) -> None: ...
    async def save(self, product: CatalogProduct) -> None: ...
    async def upsert_many(self, products: list[CatalogProduct]) -> tuple[int, int]:
        """Adds the new ones and changes those that differ, in bulk: (added, changed)."""
        ...

    async def search(
        self, *, text: str | None, product_type: str | None, status: str, after: str | None, limit: int
    ) -> list[CatalogProduct]: ...


class StoreRepository(Protocol):
    async def get(self, store_id: str) -> Store | None: ...
    async def put(self, store: Store) -> None: ...
    async def ensure(self, store: Store) -> None:
        """Keeps the store if none is held yet (a sync that arrives before StoreConnected)."""
        ...


class StoreProductRepository(Protocol):
    async def upsert_variants(
        self, store_id: str, sync_id: str, products: list[StoreProduct], *, now: datetime
    ) -> None:
        """Every variant of the products as seen by this sync, in bulk (new or changed)."""
        ...

    async def record_batch(
        self, store_id: str, sync_id: str, *, batch: int, batches: int, full_sync: bool, now: datetime
    ) -> int:
        """Notes a batch of a sync; how many distinct batches of it are held now."""
        ...

    async def remove_unseen(self, store_id: str, sync_id: str) -> list[tuple[str, str]]:
        """Marks removed every variant of the store this sync did not see; their (product, variant) ids."""
        ...

    async def remove_products(self, store_id: str, product_ids: set[str], keep: set[tuple[str, str]]) -> None:
        """Marks removed the variants of these products that are not in ``keep`` (a partial sync's products)."""
        ...

    async def all_variants(self, store_id: str) -> dict[tuple[str, str], StoreVariant]:
        """Every variant of the store not removed, by (product, variant) id."""
        ...

    async def variants_of(self, store_id: str, product_id: str) -> list[StoreVariant]: ...
    async def listing(
        self,
        store_id: str,
        *,
        state: MappingState | None,
        text: str | None,
        product_id: str | None,
        after: str | None,
        products: int,
    ) -> list[tuple[StoreVariant, Mapping | None]]:
        """The matching variants of the first ``products`` products after the product id ``after``."""
        ...


class MappingRepository(Protocol):
    async def of_product(self, store_id: str, product_id: str, *, for_update: bool = False) -> dict[str, Mapping]: ...
    async def of_store(self, store_id: str, *, for_update: bool = True) -> dict[tuple[str, str], Mapping]:
        """Every mapping of the store by (product, variant) id, held until commit (``for_update``)."""
        ...

    async def mapped_in(self, store_id: str, product_ids: set[str] | None) -> list[tuple[Mapping, StoreVariant | None]]:
        """The mappings still ``mapped`` of these products (all the store's: None), with their variant."""
        ...

    async def mapped_to(self, uid: str) -> list[tuple[Mapping, StoreVariant | None]]: ...
    async def put(self, mapping: Mapping) -> None: ...
    async def put_many(self, mappings: Sequence[Mapping]) -> None: ...
    async def delete(self, mapping: Mapping) -> None: ...
    def audit(
        self, *, before: Mapping | None, after: Mapping | None, action: str, actor: str, at: datetime
    ) -> None: ...
    async def audit_many(self, changes: Sequence[tuple[Mapping | None, Mapping]], *, actor: str, at: datetime) -> None:
        """One audit line per (before, after), in bulk: mapped or remapped."""
        ...

    async def history(self, store_id: str, product_id: str) -> list[dict[str, object]]: ...


class ImportRepository(Protocol):
    async def get(self, job_id: str) -> ImportJob | None: ...
    async def put(self, job: ImportJob) -> None: ...


class PublishRequestRepository(Protocol):
    async def get(self, publish_request_id: str, *, for_update: bool = False) -> PublishRequest | None: ...
    async def put(self, request: PublishRequest) -> None: ...


class BulkOutbox(EventOutbox, Protocol):
    async def add_many(self, events: Sequence[Event]) -> None:
        """Thousands of events in bulk statements (a CSV import), in order."""
        ...


class TemplateRepository(Protocol):
    def add(self, template: ProductTemplate) -> None: ...
    async def get(self, template_id: str) -> ProductTemplate | None: ...
    async def of_client(self, client_id: str) -> list[ProductTemplate]: ...


class UnitOfWork(RuntimeUnitOfWork, Protocol):
    @property
    def outbox(self) -> BulkOutbox: ...
    @property
    def catalog(self) -> CatalogRepository: ...
    @property
    def stores(self) -> StoreRepository: ...
    @property
    def store_products(self) -> StoreProductRepository: ...
    @property
    def mappings(self) -> MappingRepository: ...
    @property
    def imports(self) -> ImportRepository: ...
    @property
    def publishing(self) -> PublishRequestRepository: ...
    @property
    def templates(self) -> TemplateRepository: ...
