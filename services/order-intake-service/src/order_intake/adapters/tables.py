"""Order intake tables. Domain objects stay plain; adapters/db.py maps them."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _at(**kwargs: Any) -> Any:
    return Field(sa_column=Column(DateTime(timezone=True), **kwargs))


def _json(**kwargs: Any) -> Any:
    return Field(sa_column=Column(JSON, **kwargs))


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class StoreRow(SQLModel, table=True):
    __tablename__ = "intake_stores"

    store_id: str = Field(primary_key=True, max_length=64)
    client_id: str = Field(max_length=64, index=True)
    platform: str = Field(max_length=20)
    name: str = Field(max_length=300)
    connected: bool
    test_mode: bool
    changed_at: datetime = _at(nullable=False)
    currency: str | None = Field(default=None, max_length=3, description="The store's currency, if the shop gave one")


class MappingRow(SQLModel, table=True):
    __tablename__ = "intake_mappings"
    __table_args__ = (
        Index("ix_mappings_store_variant", "store_id", "platform_variant_id"),
        Index("ix_mappings_store_product", "store_id", "platform_product_id"),
        Index("ix_mappings_store_sku", "store_id", "sku_key"),
    )

    mapping_id: str = Field(primary_key=True, max_length=64)
    store_id: str = Field(max_length=64)
    client_id: str = Field(max_length=64)
    platform_product_id: str = Field(max_length=128)
    platform_variant_id: str | None = Field(default=None, max_length=128)
    sku_key: str | None = Field(default=None, max_length=200, description="The SKU, casefolded")
    product_uid: str = Field(max_length=300)
    print_files: list[dict[str, str]] = _json(nullable=False)
    mapped_at: datetime = _at(nullable=False)


class OrderRow(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("store_id", "order_key", name="uq_orders_store_key"),
        Index("ix_orders_received", "received_at", "id"),
        Index("ix_orders_client_received", "client_id", "received_at"),
        Index("ix_orders_store_status", "store_id", "status"),
    )

    id: str = Field(primary_key=True, max_length=36)
    client_id: str = Field(max_length=64)
    store_id: str = Field(max_length=64)
    order_key: str = Field(max_length=300, description="platform:<id> or reference:<client reference>")
    platform: str = Field(max_length=20)
    source: str = Field(max_length=20)
    platform_order_id: str | None = Field(default=None, max_length=128)
    client_reference: str | None = Field(default=None, max_length=200)
    order_number: str | None = Field(default=None, max_length=128)
    search_key: str = Field(max_length=500, description="Order number, references, casefolded, for search")
    status: str = Field(max_length=20)
    test: bool
    currency: str = Field(max_length=3)
    total: str | None = Field(default=None, max_length=40, description="None: no prices (placed or imported by hand)")
    shipping_address: dict[str, Any] = _json(nullable=False)
    shipping_method: str | None = Field(default=None, max_length=200)
    customer_email: str | None = Field(default=None, max_length=320)
    placed_at: datetime = _at(nullable=False)
    received_at: datetime = _at(nullable=False)
    updated_at: datetime = _at(nullable=False)
    content_hash: str = Field(max_length=64)
    sequence: int
    holds: list[dict[str, Any]] = _json(nullable=False)
    shipments: list[dict[str, Any]] = _json(nullable=False)
    possible_duplicate: bool
    attention: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    first_of_store: bool
    approved_at: datetime | None = _at(nullable=True)
    release_at: datetime | None = _at(nullable=True, index=True)


class OrderLineRow(SQLModel, table=True):
    __tablename__ = "order_lines"
    __table_args__ = (Index("ix_order_lines_waiting", "store_id", "waiting"),)

    line_id: str = Field(primary_key=True, max_length=36)
    order_id: str = Field(max_length=36, index=True)
    store_id: str = Field(max_length=64)
    position: int
    title: str = Field(max_length=500)
    quantity: int
    cancelled_quantity: int
    platform_line_id: str | None = Field(default=None, max_length=128)
    platform_product_id: str | None = Field(default=None, max_length=128)
    platform_variant_id: str | None = Field(default=None, max_length=128)
    sku: str | None = Field(default=None, max_length=200)
    variant_title: str | None = Field(default=None, max_length=500)
    unit_price: str | None = Field(default=None, max_length=40)
    attributes: list[list[str]] = _json(nullable=False)
    product_uid: str | None = Field(default=None, max_length=300)
    print_files: list[dict[str, str]] = _json(nullable=False)
    problem: str | None = Field(default=None, max_length=40)
    problem_message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    given: bool
    waiting: bool = Field(description="Unresolved line of an order on hold: a new mapping may release it")


class OrderHistoryRow(SQLModel, table=True):
    __tablename__ = "order_history"
    __table_args__ = (UniqueConstraint("order_id", "sequence", name="uq_order_history_sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(max_length=36)
    sequence: int
    at: datetime = _at(nullable=False)
    actor: str = Field(max_length=100)
    actor_name: str | None = Field(default=None, max_length=320, description="The user's name or e-mail at the time")
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    code: str | None = Field(default=None, max_length=60, description="The reason's code (domain/texts.py)")
    params: dict[str, str] | None = _json(nullable=True)
    holds: list[dict[str, Any]] | None = _json(nullable=True)
    line_id: str | None = Field(default=None, max_length=36)
    cancelled_quantity: int | None = None
    shipment: dict[str, Any] | None = _json(nullable=True)


class ImportJobRow(SQLModel, table=True):
    __tablename__ = "order_import_jobs"

    id: str = Field(primary_key=True, max_length=36)
    client_id: str = Field(max_length=64, index=True)
    store_id: str = Field(max_length=64)
    created_by: str = Field(max_length=100)
    created_at: datetime = _at(nullable=False)
    status: str = Field(max_length=20)
    rows: int
    orders_total: int
    orders_done: int
    orders_created: int
    orders_existing: int
    orders_flagged: int
    orders_failed: int
    errors: list[dict[str, Any]] = _json(nullable=False)
    finished_at: datetime | None = _at(nullable=True)
    # when the process running it last saved its progress (created_at until then): an import
    # silent for too long was left by a stopped process
    heartbeat_at: datetime | None = _at(nullable=True)


class ClientPolicyRow(SQLModel, table=True):
    __tablename__ = "client_policies"

    client_id: str = Field(primary_key=True, max_length=64)
    approval: str = Field(max_length=20)
    delay_minutes: int
    first_order_of_new_store: bool
    max_total: str | None = Field(default=None, max_length=40)
    max_quantity: int | None = None
    countries: list[str] = _json(nullable=False)
    updated_at: datetime = _at(nullable=False)
    updated_by: str = Field(max_length=100)
    updated_by_name: str | None = Field(default=None, max_length=320, description="Their name or e-mail then")
