"""The bench service: a minimal service on ``service_runtime`` that applies received orders
the way the order intake will (``python -m bench.service``, started by the bench runner).

Per event, through the runtime's public API only (``Runtime``, ``runtime.events.on``, the
unit of work, its outbox): the inbox check and record (the runtime's), one version check
(the order's row read for update), one row upserted, one ``OrderAccepted`` added to the
outbox, one commit. The row keeps the produce time (the event's ``occurred_at``, stamped by
the runner) and the time the handler applied it, from which the runner reads progress and
latency. Kept out of services/ so it depends on nothing but the runtime and the events."""

import asyncio
import cProfile
import inspect
import json
import os
import signal
import sys
import time
import uuid
from typing import Literal

import uvloop
from pydantic_settings import SettingsConfigDict
from sqlalchemy import String, bindparam, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import Field, SQLModel

from bench.workload import INPUT_TOPIC, SEED, order_accepted, order_received
from service_runtime.logging import configure_logging
from service_runtime.runtime import Runtime
from service_runtime.settings import ServiceSettings
from service_runtime.unit_of_work import SqlUnitOfWork
from storefront_events import OrderReceived

GROUP = "bench-service"


class BenchSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BENCH_SERVICE_", extra="ignore", populate_by_name=True)

    service_name: str = "bench-service"
    seed_outbox: int = 0  # > 0: only add this many unsent OrderAccepted to the outbox, then exit
    # batch: the set-based form, where the runtime offers one; batch-core: the same, its rows
    # written with one SQL upsert instead of an ORM object each
    handler: Literal["event", "batch", "batch-core"] = "event"


class BenchOrder(SQLModel, table=True):
    __tablename__ = "bench_orders"

    order_key: str = Field(primary_key=True, max_length=200)
    order_id: str = Field(max_length=64)
    platform_order_id: str = Field(max_length=100)
    status: str = Field(max_length=20)
    total: str = Field(max_length=20)
    version: int
    produced_at: float = Field(description="The input event's occurred_at: when the runner produced it (epoch s)")
    applied_at: float = Field(description="When the handler applied it (epoch s)")


class Orders:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_for_update(self, order_key: str) -> BenchOrder | None:
        return await self._session.get(BenchOrder, order_key, with_for_update=True)

    async def get_many_for_update(self, order_keys: list[str]) -> dict[str, BenchOrder]:
        wanted = BenchOrder.order_key.in_(order_keys)  # type: ignore[attr-defined]
        found = await self._session.execute(select(BenchOrder).where(wanted).with_for_update())
        return {order.order_key: order for order in found.scalars()}

    def save(self, order: BenchOrder) -> None:
        self._session.add(order)

    async def versions_for_update(self, order_keys: list[str]) -> dict[str, int]:
        """The version held for each order of ``order_keys`` (rows locked), without ORM objects."""
        table = BenchOrder.metadata.tables["bench_orders"]
        if self._session.get_bind().dialect.name == "postgresql":
            # One primary-key lookup per key of the array. ``order_key IN (500 keys)`` was
            # planned as a sequential scan of the whole table (a hash join for ``JOIN
            # unnest``) while the table held under a few hundred thousand rows: cheaper on
            # paper, but a batch's dearest statement, growing with the table (5 to 14 ms at
            # 50,000 rows on an idle machine against 2 ms; on a loaded one 8 times the time
            # of the phase's other statements together).
            found = await self._session.execute(_VERSIONS_POSTGRESQL, {"keys": order_keys})
            return {key: version for key, version in found.tuples()}
        found = await self._session.execute(
            select(table.c.order_key, table.c.version).where(table.c.order_key.in_(order_keys)).with_for_update()
        )
        return {key: version for key, version in found.tuples()}

    async def upsert(self, rows: list[dict[str, object]]) -> None:
        """Writes the rows with one INSERT ... ON CONFLICT DO UPDATE: on PostgreSQL one array
        per column (``INSERT ... SELECT * FROM unnest(...)``: the same SQL text and prepared
        statement whatever the number of rows, no per-row work in SQLAlchemy), elsewhere an
        executemany."""
        if not rows:
            return
        if self._session.get_bind().dialect.name == "postgresql":
            await self._session.execute(_UPSERT_POSTGRESQL, {name: [row[name] for row in rows] for name in _COLUMNS})
            return
        statement = sqlite.insert(_TABLE)
        changed = {name: statement.excluded[name] for name in _CHANGED}
        await self._session.execute(statement.on_conflict_do_update(index_elements=["order_key"], set_=changed), rows)


_TABLE = BenchOrder.metadata.tables["bench_orders"]
_COLUMNS = {column.name: column.type for column in _TABLE.columns}
_CHANGED = ("version", "total", "produced_at", "applied_at")
_ROWS = (
    func.unnest(*(bindparam(name, type_=postgresql.ARRAY(type_)) for name, type_ in _COLUMNS.items()))
    .table_valued(*_COLUMNS)
    .render_derived(name="rows")
)
_INSERT = postgresql.insert(_TABLE).from_select(list(_COLUMNS), select(*(_ROWS.c[name] for name in _COLUMNS)))
_VERSIONS_POSTGRESQL = text(
    "SELECT held.order_key, held.version FROM unnest(CAST(:keys AS VARCHAR[])) AS wanted(key)"
    " CROSS JOIN LATERAL (SELECT order_key, version FROM bench_orders WHERE order_key = wanted.key FOR UPDATE) AS held"
).bindparams(bindparam("keys", type_=postgresql.ARRAY(String)))
"""The versions held for a batch's keys, each looked up by the primary key (rows locked)."""
_UPSERT_POSTGRESQL = _INSERT.on_conflict_do_update(
    index_elements=["order_key"], set_={name: _INSERT.excluded[name] for name in _CHANGED}
)


class BenchUnitOfWork(SqlUnitOfWork):
    orders: Orders

    def open_repositories(self, session: AsyncSession) -> None:
        self.orders = Orders(session)


async def accept_order(event: OrderReceived, *, uow: BenchUnitOfWork) -> None:
    """Applies a received order unless a version as new is already held: one row, one OrderAccepted."""
    key = INPUT_TOPIC.key_for(event)
    async with uow:
        _apply(event, key, await uow.orders.get_for_update(key), uow)  # an old or repeated state changes nothing
        await uow.commit()


async def accept_orders(events: list[OrderReceived], *, uow: BenchUnitOfWork) -> None:
    """The same, set-based, for a runtime that hands a batch of events to one handler call:
    one read of every order of the batch, then the rows and events of those that are newer."""
    keys = [INPUT_TOPIC.key_for(event) for event in events]
    async with uow:
        held = await uow.orders.get_many_for_update(keys)
        for event, key in zip(events, keys, strict=False):
            if (order := _apply(event, key, held.get(key), uow)) is not None:
                held[key] = order
        await uow.commit()


async def accept_orders_core(events: list[OrderReceived], *, uow: BenchUnitOfWork) -> None:
    """The set-based handler again, its rows read and written with SQL rows instead of ORM
    objects: one read of the versions held, one upsert, the events added to the outbox."""
    keys = [INPUT_TOPIC.key_for(event) for event in events]
    async with uow:
        held = await uow.orders.versions_for_update(keys)
        rows: dict[str, dict[str, object]] = {}
        for event, key in zip(events, keys, strict=False):
            version = event.aggregate_version or 1  # an order's first is 1
            if held.get(key, 0) >= version:
                continue  # an old or repeated state changes nothing
            held[key] = version
            order_id = f"ord-{uuid.uuid5(uuid.NAMESPACE_URL, key)}"
            rows[key] = {
                "order_key": key,
                "order_id": order_id,
                "platform_order_id": event.platform_order_id,
                "status": "accepted",
                "total": str(event.total),
                "version": version,
                "produced_at": event.occurred_at.timestamp(),
                "applied_at": time.time(),
            }
            uow.outbox.add(order_accepted(event, order_id))
        await uow.orders.upsert(list(rows.values()))
        await uow.commit()


def _apply(event: OrderReceived, key: str, order: BenchOrder | None, uow: BenchUnitOfWork) -> BenchOrder | None:
    """The order row and its OrderAccepted if the event is newer than the order held; else None."""
    version = event.aggregate_version or 1  # the bench's orders carry no version: an order's first is 1
    if order is not None and order.version >= version:
        return None
    if order is None:
        order = BenchOrder(
            order_key=key,
            order_id=f"ord-{uuid.uuid5(uuid.NAMESPACE_URL, key)}",
            platform_order_id=event.platform_order_id,
            status="accepted",
            total=str(event.total),
            version=version,
            produced_at=0.0,
            applied_at=0.0,
        )
    order.version = version
    order.total = str(event.total)
    order.produced_at = event.occurred_at.timestamp()
    order.applied_at = time.time()
    uow.orders.save(order)
    uow.outbox.add(order_accepted(event, order.order_id))
    return order


def _runtime_tables():
    """The runtime's own tables: an Alembic history since issue #6, a list of migrations before."""
    try:
        from service_runtime.testing.helpers import RUNTIME_ONLY
    except ImportError:
        return ()
    return RUNTIME_ONLY


def build(settings: BenchSettings) -> Runtime:
    for knob in ("consumers_enabled", "relay_enabled"):
        if knob not in type(settings).model_fields:
            raise SystemExit(f"the runtime has no `{knob}` setting: the bench cannot run its phases apart")
    accepted = inspect.signature(Runtime).parameters
    optional = {"migrations": _runtime_tables(), "follow_access_revocations": False}
    runtime = Runtime(
        settings, unit_of_work=BenchUnitOfWork, **{name: value for name, value in optional.items() if name in accepted}
    )
    if settings.handler in ("batch", "batch-core"):
        if "batch" not in inspect.signature(runtime.events.on).parameters:
            raise SystemExit("this runtime has no batch handlers (events.on(..., batch=True)): use --handler event")
        handler = accept_orders if settings.handler == "batch" else accept_orders_core
        runtime.events.on(INPUT_TOPIC, group=GROUP, events=(OrderReceived,), batch=True)(handler)
    else:
        runtime.events.on(INPUT_TOPIC, group=GROUP, events=(OrderReceived,))(accept_order)
    return runtime


async def create_tables(engine: AsyncEngine) -> None:
    """The bench's own table, made before the consumers start (the runtime makes its own)."""
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: SQLModel.metadata.create_all(sync, tables=[BenchOrder.__table__]))


async def serve(settings: BenchSettings) -> None:
    runtime = build(settings)
    await create_tables(runtime.engine)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await runtime.start()
    try:
        await stopping.wait()
    finally:
        await runtime.stop()


async def seed_outbox(settings: BenchSettings, *, per_commit: int = 500) -> None:
    """Unsent events for the relay to publish, added through the runtime's unit of work and
    outbox, so the relay is measured on as many events as asked whatever the consumer's pace."""
    runtime = build(settings)
    try:
        for start in range(0, settings.seed_outbox, per_commit):
            async with runtime.uow() as uow:
                for n in range(start, min(settings.seed_outbox, start + per_commit)):
                    received = order_received(SEED, n)
                    order_id = f"ord-{uuid.uuid5(uuid.NAMESPACE_URL, received.platform_order_id)}"
                    uow.outbox.add(order_accepted(received, order_id))
                await uow.commit()
    finally:
        await runtime.stop()


#: The knobs that shape delivery, recorded with the results (``python -m bench.service settings``).
_KNOBS = ("relay_", "consumer_", "outbox_", "housekeeping_")


def delivery_settings(settings: BenchSettings) -> dict:
    values = settings.model_dump(mode="json")
    return {
        name: value
        for name, value in sorted(values.items())
        if name.startswith(_KNOBS) and name not in ("relay_enabled", "consumers_enabled")  # set per phase
    }


def main() -> None:
    settings = BenchSettings()
    if sys.argv[1:] == ["settings"]:
        print(json.dumps(delivery_settings(settings)))
        return
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)
    profile_to = os.environ.get("BENCH_SERVICE_PROFILE")  # a cProfile dump of the whole process, for `pstats`
    # uvloop, as the services run (uvicorn takes it when it is installed)
    if not profile_to or settings.seed_outbox:
        uvloop.run(seed_outbox(settings) if settings.seed_outbox else serve(settings))
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        uvloop.run(serve(settings))
    finally:
        profiler.disable()
        profiler.dump_stats(f"{profile_to}.{os.getpid()}")


if __name__ == "__main__":
    main()
