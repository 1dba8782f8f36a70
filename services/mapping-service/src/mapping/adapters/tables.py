"""The mapping service's tables."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel


class CatalogProductRow(SQLModel, table=True):
    __tablename__ = "catalog_products"

    uid: str = Field(primary_key=True, max_length=200)
    product_type: str = Field(max_length=20, index=True)
    title: str = Field(max_length=200)
    title_key: str = Field(max_length=200, description="casefolded title, for search")
    attributes: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    formats: list[str] = Field(sa_column=Column(JSON, nullable=False))
    min_dpi: int
    width_mm: float
    height_mm: float
    bleed_mm: float
    print_files: list[str] = Field(sa_column=Column(JSON, nullable=False))
    active: bool = Field(index=True)
    created_at: datetime
    updated_at: datetime
    version: int = 1


class StoreRow(SQLModel, table=True):
    """A store as the connector announced it: whose it is (tenancy) and whether it is connected."""

    __tablename__ = "mapping_stores"

    store_id: str = Field(primary_key=True, max_length=64)
    client_id: str = Field(max_length=64, index=True)
    platform: str = Field(max_length=20)
    name: str = Field(max_length=200)
    connected: bool = True
    version: int | None = None


class StoreVariantRow(SQLModel, table=True):
    """One variant of a shop product, as the last sync saw it (the product's fields repeated)."""

    __tablename__ = "store_variants"
    __table_args__ = (Index("ix_store_variants_sync", "store_id", "last_sync_id"),)

    store_id: str = Field(primary_key=True, max_length=64)
    platform_product_id: str = Field(primary_key=True, max_length=100)
    platform_variant_id: str = Field(primary_key=True, max_length=100)
    product_title: str = Field(max_length=500)
    product_status: str | None = Field(default=None, max_length=40)
    variant_title: str | None = Field(default=None, max_length=500)
    sku: str | None = Field(default=None, max_length=200)
    options: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    search_key: str = Field(max_length=1200, description="casefolded titles and SKU, for search")
    last_sync_id: str = Field(max_length=64)
    removed: bool = False
    synced_at: datetime


class MappingRow(SQLModel, table=True):
    """A variant connected to a catalog product; ``state`` is mapped or broken."""

    __tablename__ = "mappings"

    store_id: str = Field(primary_key=True, max_length=64)
    platform_product_id: str = Field(primary_key=True, max_length=100)
    platform_variant_id: str = Field(primary_key=True, max_length=100)
    mapping_id: str = Field(max_length=36, unique=True)
    client_id: str = Field(max_length=64)
    platform: str = Field(max_length=20)
    product_uid: str = Field(max_length=200, index=True)
    print_files: list[dict[str, str]] = Field(sa_column=Column(JSON, nullable=False))
    print_options: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    sku: str | None = Field(default=None, max_length=200)
    options: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    state: str = Field(max_length=10)
    broken_reason: str | None = Field(default=None, max_length=40)
    source: str = Field(max_length=20)
    version: int = 1
    updated_at: datetime
    updated_by: str = Field(max_length=64)


class MappingAuditRow(SQLModel, table=True):
    """Every mapping change: who, when, what it was before and after."""

    __tablename__ = "mapping_audit"
    __table_args__ = (Index("ix_mapping_audit_variant", "store_id", "platform_product_id", "platform_variant_id"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: str = Field(max_length=64)
    platform_product_id: str = Field(max_length=100)
    platform_variant_id: str = Field(max_length=100)
    mapping_id: str = Field(max_length=36)
    action: str = Field(max_length=20)
    actor: str = Field(max_length=64)
    at: datetime
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class SyncBatchRow(SQLModel, table=True):
    """The batches of one sync received so far: the last one completes a full sync."""

    __tablename__ = "store_sync_batches"

    store_id: str = Field(primary_key=True, max_length=64)
    sync_id: str = Field(primary_key=True, max_length=64)
    batch: int = Field(primary_key=True)
    batches: int
    full_sync: bool
    received_at: datetime


class ImportJobRow(SQLModel, table=True):
    """A CSV import of mappings: its progress while it runs, then its report."""

    __tablename__ = "mapping_imports"

    job_id: str = Field(primary_key=True, max_length=36)
    store_id: str = Field(max_length=64, index=True)
    status: str = Field(max_length=20)
    all_or_nothing: bool
    total_rows: int
    checked_rows: int = 0
    applied: int = 0
    unchanged: int = 0
    refused: int = 0
    errors: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    failure: str | None = Field(default=None, max_length=500)
    created_by: str = Field(max_length=64)
    created_at: datetime
    finished_at: datetime | None = None


class PublishRequestRow(SQLModel, table=True):
    """A product created from the catalog and asked of the shop; mapped once the shop has it."""

    __tablename__ = "publish_requests"

    publish_request_id: str = Field(primary_key=True, max_length=36)
    store_id: str = Field(max_length=64, index=True)
    client_id: str = Field(max_length=64)
    platform: str = Field(max_length=20)
    title: str = Field(max_length=500)
    variants: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(max_length=20)
    platform_product_id: str | None = Field(default=None, max_length=100)
    product_url: str | None = Field(default=None, max_length=2000)
    created_by: str = Field(max_length=64)
    created_at: datetime
    published_at: datetime | None = None
    failure_reason: str | None = Field(default=None, max_length=64)
    failure_detail: str | None = Field(default=None, max_length=2000)
    failed_at: datetime | None = None


class ProductTemplateRow(SQLModel, table=True):
    """A configured product a client saved to create products from again."""

    __tablename__ = "product_templates"

    template_id: str = Field(primary_key=True, max_length=36)
    client_id: str = Field(max_length=64, index=True)
    name: str = Field(max_length=200)
    product: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=64)
    created_at: datetime


TABLES = (
    ProductTemplateRow,
    PublishRequestRow,
    CatalogProductRow,
    StoreRow,
    StoreVariantRow,
    MappingRow,
    MappingAuditRow,
    SyncBatchRow,
    ImportJobRow,
)
