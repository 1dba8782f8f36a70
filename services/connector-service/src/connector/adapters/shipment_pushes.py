"""Tracking pushed back to the shops: one row per parcel of an order (``shipment_pushes``, keyed by
the order and the tracking number) and the order lines' platform ids (``shipped_order_lines``, from
OrderAccepted), with their repositories."""

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Index, String, Text, bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col, select

from connector.adapters.tables import utc
from connector.domain.tracking import ShipmentPush


def _at(nullable: bool) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class ShipmentPushRow(SQLModel, table=True):
    __tablename__ = "shipment_pushes"
    __table_args__ = (
        Index("ix_shipment_pushes_due", "state", "next_attempt_at"),
        Index("ix_shipment_pushes_order", "store_id", "platform_order_id"),
    )

    order_id: str = Field(primary_key=True, max_length=36)
    tracking_number: str = Field(primary_key=True, max_length=200)
    store_id: str = Field(max_length=36)
    client_id: str = Field(max_length=36)
    platform: str = Field(max_length=20)
    platform_order_id: str | None = Field(default=None, max_length=100)
    carrier: str | None = Field(default=None, max_length=200)
    tracking_url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    line_ids: str = Field(default="[]", sa_column=Column(Text, nullable=False), description="JSON list")
    state: str = Field(max_length=20)
    attempts: int = 0
    next_attempt_at: datetime | None = _at(True)
    last_error: str | None = Field(default=None, max_length=60, description="Message key of the last error")
    last_error_values: str | None = Field(default=None, sa_column=Column(Text, nullable=True), description="JSON")
    created_at: datetime = _at(False)
    updated_at: datetime = _at(False)
    pushed_at: datetime | None = _at(True)
    confirmed_at: datetime | None = _at(True)


class ShippedOrderLinesRow(SQLModel, table=True):
    """An accepted order's lines: order intake's line id → the platform's line id (a parcel names
    order intake's lines; the shop knows its own)."""

    __tablename__ = "shipped_order_lines"

    order_id: str = Field(primary_key=True, max_length=36)
    lines: str = Field(sa_column=Column(Text, nullable=False), description="JSON {line_id: platform_line_id}")


TRACKING_TABLES: tuple[type[SQLModel], ...] = (ShipmentPushRow, ShippedOrderLinesRow)

_LINES_TABLE = ShippedOrderLinesRow.metadata.tables["shipped_order_lines"]
_GIVEN_LINES = (
    func.unnest(
        bindparam("order_id", type_=postgresql.ARRAY(String())), bindparam("lines", type_=postgresql.ARRAY(Text()))
    )
    .table_valued("order_id", "lines")
    .render_derived(name="given")
)
_KEEP_LINES = postgresql.insert(_LINES_TABLE).from_select(
    ["order_id", "lines"], sa_select(_GIVEN_LINES.c.order_id, _GIVEN_LINES.c.lines)
)
_KEEP_LINES_POSTGRESQL = _KEEP_LINES.on_conflict_do_update(
    index_elements=["order_id"], set_={"lines": _KEEP_LINES.excluded.lines}
)
"""``INSERT ... SELECT ... FROM unnest(...) ON CONFLICT DO UPDATE``: one array per column, so one
SQL text (compiled once, one prepared statement) whatever the batch's size. A multi-row VALUES
was compiled again for each batch: a third of what the consumer of orders.v1 cost per order in a profile."""
_KEEP_LINES_ON_SQLITE = sqlite.insert(_LINES_TABLE)
_KEEP_LINES_SQLITE = _KEEP_LINES_ON_SQLITE.on_conflict_do_update(
    index_elements=["order_id"], set_={"lines": _KEEP_LINES_ON_SQLITE.excluded.lines}
)
"""The same on SQLite, one row per parameter set (executemany; one statement compiled once)."""


def _push(row: ShipmentPushRow) -> ShipmentPush:
    return ShipmentPush(
        order_id=row.order_id,
        tracking_number=row.tracking_number,
        store_id=row.store_id,
        client_id=row.client_id,
        platform=row.platform,
        platform_order_id=row.platform_order_id,
        carrier=row.carrier,
        tracking_url=row.tracking_url,
        line_ids=tuple(json.loads(row.line_ids or "[]")),
        state=row.state,  # type: ignore[arg-type]
        created_at=utc(row.created_at) or row.created_at,
        updated_at=utc(row.updated_at) or row.updated_at,
        next_attempt_at=utc(row.next_attempt_at),
        attempts=row.attempts,
        last_error=row.last_error,
        last_error_values=json.loads(row.last_error_values) if row.last_error_values else {},
        pushed_at=utc(row.pushed_at),
        confirmed_at=utc(row.confirmed_at),
    )


def _values(push: ShipmentPush) -> dict[str, Any]:
    return {
        "order_id": push.order_id,
        "tracking_number": push.tracking_number,
        "store_id": push.store_id,
        "client_id": push.client_id,
        "platform": push.platform,
        "platform_order_id": push.platform_order_id,
        "carrier": push.carrier,
        "tracking_url": push.tracking_url,
        "line_ids": json.dumps(list(push.line_ids)),
        "state": push.state,
        "attempts": push.attempts,
        "next_attempt_at": push.next_attempt_at,
        "last_error": push.last_error,
        "last_error_values": json.dumps(dict(push.last_error_values)) if push.last_error_values else None,
        "created_at": push.created_at,
        "updated_at": push.updated_at,
        "pushed_at": push.pushed_at,
        "confirmed_at": push.confirmed_at,
    }


class SqlShipmentPushes:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_new(self, push: ShipmentPush) -> bool:
        """Inserts the push unless its order already has one for that tracking number (one
        statement: two deliveries of the same event racing cannot both add it)."""
        dialect = self._session.get_bind().dialect.name
        insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(ShipmentPushRow).values(**_values(push)).on_conflict_do_nothing()
        result: Any = await self._session.execute(statement)
        return bool(result.rowcount)

    async def get(self, order_id: str, tracking_number: str, *, for_update: bool = False) -> ShipmentPush | None:
        row = await self._session.get(ShipmentPushRow, (order_id, tracking_number), with_for_update=for_update)
        return _push(row) if row else None

    async def due(self, now: datetime, *, limit: int, excluding_orders: Collection[str] = ()) -> list[ShipmentPush]:
        """Pending pushes whose time has come, oldest first, locked (others running the job skip them)."""
        query = (
            select(ShipmentPushRow)
            .where(col(ShipmentPushRow.state) == "pending", col(ShipmentPushRow.next_attempt_at) <= now)
            .where(col(ShipmentPushRow.order_id).not_in(list(excluding_orders)))
            .order_by(col(ShipmentPushRow.next_attempt_at), col(ShipmentPushRow.created_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_push(row) for row in (await self._session.execute(query)).scalars()]

    async def save(self, push: ShipmentPush) -> None:
        row = await self._session.get(ShipmentPushRow, (push.order_id, push.tracking_number))
        if row is None:
            self._session.add(ShipmentPushRow(**_values(push)))
            return
        for name, value in _values(push).items():
            setattr(row, name, value)

    async def of_order(self, store_id: str, platform_order_id: str) -> list[ShipmentPush]:
        query = (
            select(ShipmentPushRow)
            .where(
                col(ShipmentPushRow.store_id) == store_id, col(ShipmentPushRow.platform_order_id) == platform_order_id
            )
            .order_by(col(ShipmentPushRow.created_at), col(ShipmentPushRow.tracking_number))
        )
        return [_push(row) for row in (await self._session.execute(query)).scalars()]

    async def keep_lines(self, lines_by_order: Mapping[str, Mapping[str, str | None]]) -> None:
        """Each order's lines, replacing what was kept: one statement for a whole batch."""
        if not lines_by_order:
            return
        dialect = self._session.get_bind().dialect.name
        if dialect == "postgresql":
            ordered = sorted(lines_by_order)  # two batches at once lock their common rows in one order
            await self._session.execute(
                _KEEP_LINES_POSTGRESQL,
                {"order_id": ordered, "lines": [json.dumps(dict(lines_by_order[order_id])) for order_id in ordered]},
            )
            return
        await self._session.execute(
            _KEEP_LINES_SQLITE,
            [{"order_id": order_id, "lines": json.dumps(dict(lines))} for order_id, lines in lines_by_order.items()],
        )

    async def platform_lines(self, order_id: str, line_ids: Sequence[str]) -> list[str] | None:
        """The platform's ids of those lines; None when the order's lines are not known (or one
        of them has no platform id)."""
        row = await self._session.get(ShippedOrderLinesRow, order_id)
        if row is None:
            return None
        known: dict[str, str | None] = json.loads(row.lines)
        found = [known.get(line_id) for line_id in line_ids]
        return [f for f in found if f] if all(found) else None
