"""Tables of the WooCommerce and Pressero intake: orders already announced (de-duplication by
store and platform order id), Pressero's integrations and the connector's read model of clients."""

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel


class ReceivedOrderRow(SQLModel, table=True):
    """An order announced once (OrderReceived): a later delivery of the same order (another
    webhook, a retry with a new delivery id, a reconciliation poll) announces nothing more."""

    __tablename__ = "received_orders"

    store_id: str = Field(primary_key=True, max_length=36)
    platform_order_id: str = Field(primary_key=True, max_length=100)
    received_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    cancelled: bool = False


class PresseroIntegrationRow(SQLModel, table=True):
    """A Pressero store's integration ID (the client's reference ID), unique without regard to
    case: the webhook address names it."""

    __tablename__ = "pressero_integrations"

    store_id: str = Field(primary_key=True, max_length=36)
    integration_key: str = Field(max_length=64, unique=True, description="Integration ID, case-folded")
    integration_id: str = Field(max_length=64)


class KnownClientRow(SQLModel, table=True):
    """What the connector keeps of a client (from clients.v1)."""

    __tablename__ = "connector_clients"

    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=200)
    reference_id: str | None = Field(default=None, max_length=64)
    archived: bool = False
    version: int | None = Field(default=None, nullable=True)


INTAKE_TABLES: tuple[type[SQLModel], ...] = (ReceivedOrderRow, PresseroIntegrationRow, KnownClientRow)
