"""Repositories of the intake tables (see intake_tables.py)."""

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String, bindparam, delete, false, func
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from connector.adapters.inserted import firsts_stored
from connector.adapters.intake_tables import KnownClientRow, PresseroIntegrationRow, ReceivedOrderRow
from connector.intake_ports import KnownClient, PresseroIntegration


@functools.cache
def _announce(dialect: str) -> Any:
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(ReceivedOrderRow)
        .values(
            store_id=bindparam("store_id"),
            platform_order_id=bindparam("platform_order_id"),
            received_at=bindparam("received_at"),
            cancelled=False,
        )
        .on_conflict_do_nothing(index_elements=["store_id", "platform_order_id"])
        .returning(col(ReceivedOrderRow.store_id))
    )


_RECEIVED_ORDERS = ReceivedOrderRow.metadata.tables["received_orders"]
_ANNOUNCED_GIVEN = (
    func.unnest(
        bindparam("store_id", type_=postgresql.ARRAY(String())),
        bindparam("platform_order_id", type_=postgresql.ARRAY(String())),
        bindparam("received_at", type_=postgresql.ARRAY(DateTime(timezone=True))),
    )
    .table_valued("store_id", "platform_order_id", "received_at")
    .render_derived(name="given")
)
_ANNOUNCE_POSTGRESQL = (
    postgresql.insert(_RECEIVED_ORDERS)
    .from_select(
        ["store_id", "platform_order_id", "received_at", "cancelled"],
        sa_select(
            _ANNOUNCED_GIVEN.c.store_id,
            _ANNOUNCED_GIVEN.c.platform_order_id,
            _ANNOUNCED_GIVEN.c.received_at,
            false(),
        ),
    )
    .on_conflict_do_nothing(index_elements=["store_id", "platform_order_id"])
    .returning(_RECEIVED_ORDERS.c.store_id, _RECEIVED_ORDERS.c.platform_order_id)
)
"""``INSERT ... SELECT ... FROM unnest(...) ON CONFLICT DO NOTHING RETURNING``: one array per
column, one SQL text and prepared statement whatever the batch's size (a multi-row VALUES is
rendered again for each batch)."""
_ANNOUNCE_SQLITE = (
    sqlite.insert(_RECEIVED_ORDERS)
    .on_conflict_do_nothing(index_elements=["store_id", "platform_order_id"])
    .returning(_RECEIVED_ORDERS.c.store_id, _RECEIVED_ORDERS.c.platform_order_id)
)
"""The same on SQLite, one row per parameter set."""


class SqlIntakeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def announce_order(self, store_id: str, platform_order_id: str, *, at: datetime) -> bool:
        """One statement, INSERT ... ON CONFLICT DO NOTHING RETURNING (not a read, then an ORM
        row flushed at commit): it runs on every order webhook."""
        statement = _announce(self._session.get_bind().dialect.name)
        values = {"store_id": store_id, "platform_order_id": platform_order_id, "received_at": at}
        return (await self._session.execute(statement, values)).first() is not None

    async def announce_orders(self, orders: Sequence[tuple[str, str, datetime]]) -> list[bool]:
        """One INSERT ... ON CONFLICT DO NOTHING RETURNING of every order, sorted by key (two
        groups written at once lock their common rows in the same order)."""
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for store_id, platform_order_id, at in sorted(orders, key=lambda order: order[:2]):
            rows.setdefault(
                (store_id, platform_order_id),
                {"store_id": store_id, "platform_order_id": platform_order_id, "received_at": at, "cancelled": False},
            )
        if not rows:
            return []
        if self._session.get_bind().dialect.name == "postgresql":
            given = list(rows.values())
            announced = await self._session.execute(
                _ANNOUNCE_POSTGRESQL,
                {name: [row[name] for row in given] for name in ("store_id", "platform_order_id", "received_at")},
            )
        else:
            announced = await self._session.execute(_ANNOUNCE_SQLITE, list(rows.values()))
        return firsts_stored([order[:2] for order in orders], {(s, o) for s, o in announced.all()})

    async def announce_cancellation(self, store_id: str, platform_order_id: str, *, at: datetime) -> bool:
        row = await self._session.get(ReceivedOrderRow, (store_id, platform_order_id))
        if row is None:
            row = ReceivedOrderRow(store_id=store_id, platform_order_id=platform_order_id, received_at=at)
            self._session.add(row)
        elif row.cancelled:
            return False
        row.cancelled = True
        return True


class SqlPresseroRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_integration(self, integration_id: str) -> PresseroIntegration | None:
        query = select(PresseroIntegrationRow).where(
            PresseroIntegrationRow.integration_key == integration_id.casefold()
        )
        row = (await self._session.execute(query)).scalars().first()
        return _integration(row) if row else None

    async def of_store(self, store_id: str) -> PresseroIntegration | None:
        row = await self._session.get(PresseroIntegrationRow, store_id)
        return _integration(row) if row else None

    async def release(self, store_id: str) -> None:
        """The integration ID of a disconnected store is free for a new store (at once: the new
        row with the same ID follows in the same transaction)."""
        await self._session.execute(
            delete(PresseroIntegrationRow).where(col(PresseroIntegrationRow.store_id) == store_id)
        )

    def add(self, integration: PresseroIntegration) -> None:
        self._session.add(
            PresseroIntegrationRow(
                store_id=integration.store_id,
                integration_key=integration.integration_id.casefold(),
                integration_id=integration.integration_id,
            )
        )


def _integration(row: PresseroIntegrationRow) -> PresseroIntegration:
    return PresseroIntegration(row.store_id, row.integration_id)


class SqlKnownClients:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, client_id: str, *, for_update: bool = False) -> KnownClient | None:
        row = await self._session.get(KnownClientRow, client_id, with_for_update=for_update)
        return KnownClient(row.id, row.name, row.reference_id, row.archived, row.version) if row else None

    async def put(self, client: KnownClient) -> None:
        row = await self._session.get(KnownClientRow, client.id)
        if row is None:
            row = KnownClientRow(id=client.id, name=client.name)
            self._session.add(row)
        row.name = client.name
        row.reference_id = client.reference_id
        row.archived = client.archived
        row.version = client.version
