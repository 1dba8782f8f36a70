"""Connector tables. Domain objects stay plain; adapters/db.py maps them.

Credentials are kept sealed (encrypted with ``service_runtime.secrets``) in
``stores.sealed_credentials``: never in clear, never in an event."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def _at(**kwargs: Any) -> Any:
    return Field(sa_column=Column(DateTime(timezone=True), **kwargs))


def utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class StoreRow(SQLModel, table=True):
    __tablename__ = "stores"
    __table_args__ = (Index("ix_stores_shop", "platform", "shop_url"),)

    id: str = Field(primary_key=True, max_length=36)
    client_id: str = Field(max_length=36, index=True)
    platform: str = Field(max_length=20)
    name: str = Field(max_length=200)
    status: str = Field(max_length=20)
    status_reason: str | None = Field(default=None, max_length=60)
    test_mode: bool = False
    shop_url: str | None = Field(default=None, max_length=300)
    platform_shop_id: str | None = Field(default=None, max_length=100)
    currency: str | None = Field(default=None, max_length=3)
    created_at: datetime = _at(nullable=False)
    updated_at: datetime = _at(nullable=False)
    version: int = Field(default=1, description="Raised by one with each change; the store's events carry it")
    sealed_credentials: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True), description="Fernet-sealed JSON of the credentials"
    )
    # health, as last seen
    webhook_topics: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True), description="JSON list of the topics registered"
    )
    last_webhook_at: datetime | None = _at(nullable=True)
    last_error: str | None = Field(default=None, max_length=60, description="Message key of the last error")
    last_error_detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_error_at: datetime | None = _at(nullable=True)


class OAuthStateRow(SQLModel, table=True):
    """A single-use OAuth ``state``, bound to the client and the shop it was issued for."""

    __tablename__ = "oauth_states"

    state_hash: str = Field(primary_key=True, max_length=64, description="SHA-256 of the state (hex)")
    platform: str = Field(max_length=20)
    client_id: str = Field(max_length=36)
    store_id: str = Field(max_length=36)
    shop_url: str = Field(max_length=300)
    sealed_verifier: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _at(nullable=False)
    expires_at: datetime = _at(nullable=False)
    used_at: datetime | None = _at(nullable=True)


class WebhookDeliveryRow(SQLModel, table=True):
    """One accepted webhook: its de-duplication key and its raw body, kept
    ``webhook_retention_days`` so an order can be derived again (housekeeping removes it)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("store_id", "delivery_id", name="uq_webhook_delivery"),
        Index("ix_webhook_deliveries_received", "received_at"),
        Index("ix_webhook_deliveries_store_received", "store_id", "received_at"),
        Index("ix_webhook_deliveries_order", "store_id", "platform_order_id"),
        Index(
            "ix_webhook_deliveries_pending",
            "id",
            postgresql_where=text("derived_at IS NULL AND parked_at IS NULL"),
            sqlite_where=text("derived_at IS NULL AND parked_at IS NULL"),
        ),
        Index(
            "ix_webhook_deliveries_parked",
            "store_id",
            "id",
            postgresql_where=text("parked_at IS NOT NULL"),
            sqlite_where=text("parked_at IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: str = Field(max_length=36)
    delivery_id: str = Field(max_length=200)
    topic: str = Field(max_length=100)
    platform_order_id: str | None = Field(default=None, max_length=100)
    received_at: datetime = _at(nullable=False)
    raw_body: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    correlation_id: str | None = Field(default=None, max_length=100)
    derived_at: datetime | None = _at(nullable=True)  # None: what it means is still to be derived (or parked)
    parked_at: datetime | None = _at(nullable=True)  # it could not be derived: kept, said on the store, skipped
    park_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # English or technical
    park_code: str | None = Field(default=None, max_length=100)  # why, as a message key (None: parked before 0003)
    park_values: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # the key's values (JSON)


class SyncJobRow(SQLModel, table=True):
    """A product sync of one store: progress (done / total) and result."""

    __tablename__ = "sync_jobs"
    __table_args__ = (Index("ix_sync_jobs_store", "store_id", "started_at"),)

    id: str = Field(primary_key=True, max_length=36)
    store_id: str = Field(max_length=36)
    status: str = Field(max_length=20, description="running, succeeded, failed")
    full: bool = True
    product_ids: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True), description="JSON list: a sync of these products only"
    )
    done: int = 0
    total: int | None = Field(default=None, nullable=True)
    changed: int = 0
    removed: int = 0
    batches: int = 0
    error: str | None = Field(default=None, max_length=60)
    error_detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    started_at: datetime = _at(nullable=False)
    finished_at: datetime | None = _at(nullable=True)
    # the last sign of life of the process running it (started_at until its first beat): a sync
    # silent for too long was left by a stopped process
    heartbeat_at: datetime | None = _at(nullable=True)


class SyncedProductRow(SQLModel, table=True):
    """The last synced state of a shop product (its fingerprint), so a re-sync publishes only
    what changed and marks what disappeared."""

    __tablename__ = "synced_products"
    __table_args__ = (Index("ix_synced_products_pending", "pending_sync_id"),)

    store_id: str = Field(primary_key=True, max_length=36)
    platform_product_id: str = Field(primary_key=True, max_length=100)
    fingerprint: str = Field(max_length=64)
    status: str | None = Field(default=None, max_length=20)
    last_sync_id: str = Field(max_length=36, description="The last sync that saw it in the shop")
    synced_at: datetime = _at(nullable=False)
    pending_sync_id: str | None = Field(
        default=None, max_length=36, description="The sync that will publish it (changed, or gone)"
    )
    payload: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True), description="The product to publish (JSON)"
    )
