"""The store repository, the unit of work and the schema migrations of the connector."""

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, DateTime, LargeBinary, String, bindparam, delete, func, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from connector.adapters.connection_checks import ConnectionCheckRow, SqlConnectionChecks
from connector.adapters.inserted import firsts_stored
from connector.adapters.intake_db import SqlIntakeRepository, SqlKnownClients, SqlPresseroRepository
from connector.adapters.intake_tables import INTAKE_TABLES
from connector.adapters.order_polls import OrderPollRow, SqlOrderPolls
from connector.adapters.parked_deliveries import ParkedDeliveries
from connector.adapters.publishing_db import PublicationRow, SqlPublications
from connector.adapters.reconciliations import ReconciliationRow, SqlReconciliations
from connector.adapters.shipment_pushes import TRACKING_TABLES, SqlShipmentPushes
from connector.adapters.tables import (
    OAuthStateRow,
    StoreRow,
    SyncedProductRow,
    SyncJobRow,
    WebhookDeliveryRow,
    utc,
)
from connector.domain.stores import Platform, Store
from connector.domain.syncs import SyncJob
from connector.ports import OAuthState, PendingWebhook, StoreNotes, SyncedProduct, WebhookDelivery
from service_runtime.migrations import Migrations
from service_runtime.unit_of_work import SqlUnitOfWork

MIGRATIONS = Migrations(
    Path(__file__).parents[1] / "migrations",
    tables=(
        StoreRow,
        OAuthStateRow,
        WebhookDeliveryRow,
        SyncJobRow,
        SyncedProductRow,
        *INTAKE_TABLES,
        OrderPollRow,
        *TRACKING_TABLES,
        PublicationRow,
        ReconciliationRow,
        ConnectionCheckRow,
    ),
)


def to_store(row: StoreRow) -> Store:
    return Store(
        id=row.id,
        client_id=row.client_id,
        platform=row.platform,  # type: ignore[arg-type]
        name=row.name,
        status=row.status,  # type: ignore[arg-type]
        test_mode=row.test_mode,
        created_at=utc(row.created_at) or row.created_at,
        updated_at=utc(row.updated_at) or row.updated_at,
        shop_url=row.shop_url,
        platform_shop_id=row.platform_shop_id,
        currency=row.currency,
        status_reason=row.status_reason,
        version=row.version,
    )


def _fill(row: StoreRow, store: Store) -> StoreRow:
    row.name = store.name
    row.status = store.status
    row.status_reason = store.status_reason
    row.test_mode = store.test_mode
    row.shop_url = store.shop_url
    row.platform_shop_id = store.platform_shop_id
    row.currency = store.currency
    row.updated_at = store.updated_at
    row.version = store.version
    return row


class SqlStoreRepository:
    def __init__(self, session: AsyncSession, *, changed: Callable[[str], None] | None = None) -> None:
        self._session = session
        self._changed = changed  # told the id of every store added, saved or given new credentials

    def _change(self, store_id: str) -> None:
        if self._changed is not None:
            self._changed(store_id)

    async def get(self, store_id: str, *, for_update: bool = False) -> Store | None:
        row = await self._session.get(StoreRow, store_id, with_for_update=for_update)
        return to_store(row) if row else None

    def add(self, store: Store) -> None:
        row = StoreRow(
            id=store.id,
            client_id=store.client_id,
            platform=store.platform,
            name=store.name,
            status=store.status,
            created_at=store.created_at,
            updated_at=store.updated_at,
        )
        self._session.add(_fill(row, store))
        self._change(store.id)

    async def save(self, store: Store) -> None:
        row = await self._session.get(StoreRow, store.id)
        if row is None:
            raise LookupError(store.id)
        _fill(row, store)
        self._change(store.id)

    async def listed(
        self, *, client_id: str | None, store_ids: Sequence[str] | None, after: str | None, limit: int
    ) -> list[Store]:
        query = select(StoreRow)
        if client_id is not None:
            query = query.where(StoreRow.client_id == client_id)
        if store_ids is not None:
            query = query.where(col(StoreRow.id).in_(list(store_ids)))
        if after:
            query = query.where(StoreRow.id > after)
        query = query.order_by(col(StoreRow.id)).limit(limit)
        return [to_store(row) for row in (await self._session.execute(query)).scalars()]

    async def of_shop(self, platform: Platform, shop_url: str) -> list[Store]:
        query = select(StoreRow).where(StoreRow.platform == platform, StoreRow.shop_url == shop_url)
        return [to_store(row) for row in (await self._session.execute(query)).scalars()]

    async def sealed_credentials(self, store_id: str) -> str | None:
        row = await self._session.get(StoreRow, store_id)
        return row.sealed_credentials if row else None

    async def keep_credentials(self, store_id: str, sealed: str | None) -> None:
        row = await self._session.get(StoreRow, store_id)
        if row is None:
            raise LookupError(store_id)
        row.sealed_credentials = sealed
        self._change(store_id)

    async def notes(self, store_id: str) -> StoreNotes:
        row = await self._session.get(StoreRow, store_id)
        if row is None:
            return StoreNotes()
        return StoreNotes(
            webhook_topics=tuple(json.loads(row.webhook_topics)) if row.webhook_topics else (),
            last_error=row.last_error,
            last_error_detail=row.last_error_detail,
            last_error_at=utc(row.last_error_at),
        )

    async def note_webhooks(self, store_id: str, topics: Sequence[str]) -> None:
        await self._session.execute(
            update(StoreRow).where(col(StoreRow.id) == store_id).values(webhook_topics=json.dumps(sorted(topics)))
        )

    async def note_error(self, store_id: str, key: str | None, detail: str | None, at: datetime) -> None:
        await self._session.execute(
            update(StoreRow)
            .where(col(StoreRow.id) == store_id)
            .values(last_error=key, last_error_detail=detail, last_error_at=at if key else None)
        )


class SqlOAuthStates:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, state: OAuthState) -> None:
        self._session.add(
            OAuthStateRow(
                state_hash=state.state_hash,
                platform=state.platform,
                client_id=state.client_id,
                store_id=state.store_id,
                shop_url=state.shop_url,
                sealed_verifier=state.sealed_verifier,
                created_at=state.created_at,
                expires_at=state.expires_at,
            )
        )

    async def take(self, state_hash: str, *, now: datetime) -> OAuthState | None:
        statement = (
            update(OAuthStateRow)
            .where(
                col(OAuthStateRow.state_hash) == state_hash,
                col(OAuthStateRow.used_at).is_(None),
                col(OAuthStateRow.expires_at) > now,
            )
            .values(used_at=now)
            .returning(OAuthStateRow)
        )
        row = (await self._session.execute(statement)).first()
        if row is None:
            return None
        taken = row[0] if isinstance(row[0], OAuthStateRow) else OAuthStateRow(**row._mapping)
        return OAuthState(
            state_hash=taken.state_hash,
            platform=taken.platform,  # type: ignore[arg-type]
            client_id=taken.client_id,
            store_id=taken.store_id,
            shop_url=taken.shop_url,
            created_at=utc(taken.created_at) or taken.created_at,
            expires_at=utc(taken.expires_at) or taken.expires_at,
            sealed_verifier=taken.sealed_verifier,
        )


#: A stored webhook's columns, in the order the group inserts give them (here and in webhook_writes).
DELIVERY_COLUMNS = (
    "store_id",
    "delivery_id",
    "topic",
    "platform_order_id",
    "received_at",
    "raw_body",
    "correlation_id",
    "derived_at",
)
_DELIVERY_TYPES: dict[str, Any] = {
    "store_id": String(),
    "delivery_id": String(),
    "topic": String(),
    "platform_order_id": String(),
    "received_at": DateTime(timezone=True),
    "raw_body": LargeBinary(),
    "correlation_id": String(),
    "derived_at": DateTime(timezone=True),
}
_GIVEN = (
    func.unnest(*(bindparam(name, type_=postgresql.ARRAY(type_)) for name, type_ in _DELIVERY_TYPES.items()))
    .table_valued(*_DELIVERY_TYPES, with_ordinality="position")
    .render_derived(name="given")
)
_DELIVERIES_TABLE = WebhookDeliveryRow.metadata.tables["webhook_deliveries"]
_RECORD_DELIVERIES_POSTGRESQL = (
    postgresql.insert(_DELIVERIES_TABLE)
    .from_select(
        list(_DELIVERY_TYPES), select(*(_GIVEN.c[name] for name in _DELIVERY_TYPES)).order_by(_GIVEN.c.position)
    )
    .on_conflict_do_nothing(index_elements=["store_id", "delivery_id"])
    .returning(_DELIVERIES_TABLE.c.store_id, _DELIVERIES_TABLE.c.delivery_id)
)
"""``INSERT ... SELECT ... FROM unnest(...) ON CONFLICT DO NOTHING RETURNING``: one array per
column, so one SQL text (one prepared statement) whatever the group's size."""

_DERIVED_GIVEN = (
    func.unnest(
        bindparam("row_ids", type_=postgresql.ARRAY(BigInteger())),
        bindparam("order_ids", type_=postgresql.ARRAY(String())),
    )
    .table_valued("row_id", "order_id")
    .render_derived(name="given")
)
_MARK_DERIVED_POSTGRESQL = (
    update(_DELIVERIES_TABLE)
    .where(_DELIVERIES_TABLE.c.id == _DERIVED_GIVEN.c.row_id)
    .values(derived_at=bindparam("at"), platform_order_id=_DERIVED_GIVEN.c.order_id)
)
"""``UPDATE ... FROM unnest(...)``: a batch's deliveries marked derived in one statement (an
executemany of one UPDATE per delivery cost a round of the driver's work per order)."""

#: Only one process derives webhooks at a time (a transaction-scoped advisory lock).
DERIVING_LOCK_ID = int.from_bytes(
    hashlib.sha256(b"storefronts.connector.webhook-deriving").digest()[:8], "big", signed=True
)


_TAKE_PENDING_SQL = """
SELECT locked.taken, pending.id, pending.store_id, pending.delivery_id, pending.topic, pending.received_at,
       pending.raw_body, pending.correlation_id
FROM (SELECT pg_try_advisory_xact_lock(:lock) AS taken OFFSET 0) AS locked
LEFT JOIN LATERAL (
    SELECT id, store_id, delivery_id, topic, received_at, raw_body, correlation_id
    FROM webhook_deliveries
    WHERE locked.taken AND derived_at IS NULL AND parked_at IS NULL {only}
    ORDER BY id
    LIMIT :limit
) AS pending ON true
"""
_TAKE_PENDING = text(_TAKE_PENDING_SQL.format(only=""))
_TAKE_PENDING_OF = text(_TAKE_PENDING_SQL.format(only="AND id = ANY(:ids)")).bindparams(
    bindparam("ids", type_=postgresql.ARRAY(BigInteger()))
)
"""The deriving lock taken (a transaction-scoped advisory lock: only one process derives at a
time) and, only once it is, the oldest deliveries still to derive, in one statement: the
subquery taking the lock (a volatile function: evaluated once, never folded into the join)
gives one row, joined with the deliveries it lets us take."""


def _delivery_values(delivery: WebhookDelivery, delivery_id: str) -> dict[str, Any]:
    return {
        "store_id": delivery.store_id,
        "delivery_id": delivery_id,
        "topic": delivery.topic[:100],
        "platform_order_id": delivery.platform_order_id,
        "received_at": delivery.received_at,
        "raw_body": delivery.raw_body,
        "correlation_id": delivery.correlation_id[:100] if delivery.correlation_id else None,
        "derived_at": None if delivery.pending else delivery.received_at,
    }


def delivery_rows(deliveries: Sequence[WebhookDelivery]) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """Each delivery's key (store, webhook id), and the rows to insert: one per key, sorted by
    key so that two groups written at once lock their common rows in the same order (no
    deadlock)."""
    keys = [(d.store_id, d.delivery_id[:200]) for d in deliveries]
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for key, delivery in sorted(zip(keys, deliveries, strict=True), key=lambda pair: pair[0]):
        if key not in rows:
            rows[key] = _delivery_values(delivery, key[1])
    return keys, list(rows.values())


@functools.cache
def _record_delivery(dialect: str) -> Any:
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    columns = DELIVERY_COLUMNS
    return (
        insert(WebhookDeliveryRow)
        .values({name: bindparam(name) for name in columns})
        .on_conflict_do_nothing(index_elements=["store_id", "delivery_id"])
        .returning(col(WebhookDeliveryRow.id))
    )


@functools.cache
def _record_deliveries(dialect: str) -> Any:
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = WebhookDeliveryRow.metadata.tables["webhook_deliveries"]
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["store_id", "delivery_id"])
        .returning(table.c.store_id, table.c.delivery_id)
    )


class SqlWebhookDeliveries(ParkedDeliveries):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, delivery: WebhookDelivery) -> bool:
        """One statement: INSERT ... ON CONFLICT DO NOTHING RETURNING id (built once per
        database kind, its values bound at each call)."""
        statement = _record_delivery(self._session.get_bind().dialect.name)
        values = _delivery_values(delivery, delivery.delivery_id[:200])
        return (await self._session.execute(statement, values)).first() is not None

    async def record_many(self, deliveries: Sequence[WebhookDelivery]) -> list[bool]:
        """One INSERT ... ON CONFLICT DO NOTHING RETURNING of every row (SQLAlchemy's
        "insertmanyvalues": multi-row VALUES), sorted by key so that two groups written at once
        lock their common rows in the same order (no deadlock)."""
        keys, rows = delivery_rows(deliveries)
        if not rows:
            return []
        if self._session.get_bind().dialect.name == "postgresql":
            columns = {name: [row[name] for row in rows] for name in _DELIVERY_TYPES}
            stored = await self._session.execute(_RECORD_DELIVERIES_POSTGRESQL, columns)
        else:
            stored = await self._session.execute(_record_deliveries("sqlite"), rows)
        return firsts_stored(keys, {(store_id, delivery_id) for store_id, delivery_id in stored.all()})

    async def take_pending(self, limit: int, *, ids: Sequence[int] | None = None) -> list[PendingWebhook] | None:
        if self._session.get_bind().dialect.name == "postgresql":
            return await self._take_pending_postgresql(limit, ids)
        table = _DELIVERIES_TABLE.c
        query = sa_select(
            table.id,
            table.store_id,
            table.delivery_id,
            table.topic,
            table.received_at,
            table.raw_body,
            table.correlation_id,
        ).where(table.derived_at.is_(None), table.parked_at.is_(None))
        if ids is not None:
            query = query.where(table.id.in_(list(ids)))
        query = query.order_by(table.id).limit(limit)
        return [
            PendingWebhook(
                id=id_,
                store_id=store_id,
                delivery_id=delivery_id,
                topic=topic,
                received_at=utc(received_at) or received_at,
                raw_body=bytes(body) if body is not None else None,
                correlation_id=correlation_id,
            )
            for id_, store_id, delivery_id, topic, received_at, body, correlation_id in (
                await self._session.execute(query)
            ).all()
        ]

    async def _take_pending_postgresql(self, limit: int, ids: Sequence[int] | None) -> list[PendingWebhook] | None:
        """The deriving lock and the deliveries in one statement (one round trip of the two the
        deriving stage made for every batch): one row saying the lock was not taken, or one
        row per delivery taken (one with no delivery when none is pending)."""
        statement = _TAKE_PENDING if ids is None else _TAKE_PENDING_OF
        values: dict[str, Any] = {"lock": DERIVING_LOCK_ID, "limit": limit}
        if ids is not None:
            values["ids"] = list(ids)
        rows = (await self._session.execute(statement, values)).all()
        if not rows or not rows[0][0]:
            return None
        return [
            PendingWebhook(
                id=id_,
                store_id=store_id,
                delivery_id=delivery_id,
                topic=topic,
                received_at=utc(received_at) or received_at,
                raw_body=bytes(body) if body is not None else None,
                correlation_id=correlation_id,
            )
            for _, id_, store_id, delivery_id, topic, received_at, body, correlation_id in rows
            if id_ is not None
        ]

    async def mark_derived(self, derived: Sequence[tuple[int, str | None]], *, at: datetime) -> None:
        if not derived:
            return
        if self._session.get_bind().dialect.name == "postgresql":
            ordered = sorted(derived)
            await self._session.execute(
                _MARK_DERIVED_POSTGRESQL,
                {
                    "at": at,
                    "row_ids": [row_id for row_id, _ in ordered],
                    "order_ids": [order_id[:100] if order_id else None for _, order_id in ordered],
                },
            )
            return
        await self._session.execute(
            update(_DELIVERIES_TABLE)
            .where(_DELIVERIES_TABLE.c.id == bindparam("row_id"))
            .values(derived_at=at, platform_order_id=bindparam("order_id")),
            [{"row_id": row_id, "order_id": order_id[:100] if order_id else None} for row_id, order_id in derived],
        )

    def _of(self, store_id: str, platform_order_ids: Sequence[str] | None) -> Any:
        where = col(WebhookDeliveryRow.store_id) == store_id
        if platform_order_ids is not None:
            where = where & col(WebhookDeliveryRow.platform_order_id).in_(list(platform_order_ids))
        return where

    async def erase_bodies(self, store_id: str, platform_order_ids: Sequence[str] | None) -> int:
        result: Any = await self._session.execute(
            update(WebhookDeliveryRow)
            .where(self._of(store_id, platform_order_ids), col(WebhookDeliveryRow.raw_body).is_not(None))
            .values(raw_body=None)
        )
        return int(result.rowcount or 0)

    async def bodies_held(self, store_id: str, platform_order_ids: Sequence[str]) -> int:
        query = select(func.count()).where(
            self._of(store_id, platform_order_ids), col(WebhookDeliveryRow.raw_body).is_not(None)
        )
        return int((await self._session.execute(query)).scalar_one())

    async def kept(self, store_id: str, topic: str) -> list[tuple[str, bytes]]:
        query = (
            select(WebhookDeliveryRow.delivery_id, WebhookDeliveryRow.raw_body)
            .where(
                col(WebhookDeliveryRow.store_id) == store_id,
                col(WebhookDeliveryRow.topic) == topic,
                col(WebhookDeliveryRow.raw_body).is_not(None),
            )
            .order_by(col(WebhookDeliveryRow.received_at), col(WebhookDeliveryRow.id))
        )
        return [(delivery_id, bytes(body)) for delivery_id, body in (await self._session.execute(query)).all()]

    async def last_received(self, store_id: str) -> datetime | None:
        query = select(func.max(WebhookDeliveryRow.received_at)).where(col(WebhookDeliveryRow.store_id) == store_id)
        return utc((await self._session.execute(query)).scalar_one_or_none())


def _to_job(row: SyncJobRow) -> SyncJob:
    return SyncJob(
        id=row.id,
        store_id=row.store_id,
        status=row.status,  # type: ignore[arg-type]
        full=row.full,
        started_at=utc(row.started_at) or row.started_at,
        product_ids=tuple(json.loads(row.product_ids)) if row.product_ids else (),
        done=row.done,
        total=row.total,
        changed=row.changed,
        removed=row.removed,
        batches=row.batches,
        error=row.error,
        error_detail=row.error_detail,
        finished_at=utc(row.finished_at),
    )


def _fill_job(row: SyncJobRow, job: SyncJob) -> SyncJobRow:
    row.status = job.status
    row.done, row.total, row.changed, row.removed, row.batches = (
        job.done,
        job.total,
        job.changed,
        job.removed,
        job.batches,
    )
    row.error, row.error_detail, row.finished_at = job.error, job.error_detail, job.finished_at
    return row


class SqlSyncJobs:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, job: SyncJob) -> None:
        row = SyncJobRow(
            id=job.id,
            store_id=job.store_id,
            status=job.status,
            full=job.full,
            product_ids=json.dumps(list(job.product_ids)) if job.product_ids else None,
            started_at=job.started_at,
        )
        self._session.add(_fill_job(row, job))

    async def get(self, job_id: str) -> SyncJob | None:
        row = await self._session.get(SyncJobRow, job_id, populate_existing=True)
        return _to_job(row) if row else None

    async def save(self, job: SyncJob) -> None:
        row = await self._session.get(SyncJobRow, job.id)
        if row is None:
            raise LookupError(job.id)
        _fill_job(row, job)

    async def running_full(self, store_id: str) -> SyncJob | None:
        query = select(SyncJobRow).where(
            col(SyncJobRow.store_id) == store_id,
            col(SyncJobRow.status) == "running",
            col(SyncJobRow.product_ids).is_(None),
        )
        row = (await self._session.execute(query.limit(1))).scalars().first()
        return _to_job(row) if row else None

    async def latest(self, store_id: str, *, limit: int = 10) -> list[SyncJob]:
        query = (
            select(SyncJobRow)
            .where(col(SyncJobRow.store_id) == store_id)
            .order_by(col(SyncJobRow.started_at).desc(), col(SyncJobRow.id))
            .limit(limit)
        )
        return [_to_job(row) for row in (await self._session.execute(query)).scalars()]

    async def interrupt_running(self, *, now: datetime, silent_since: datetime) -> int:
        last_sign_of_life = func.coalesce(col(SyncJobRow.heartbeat_at), col(SyncJobRow.started_at))
        result: Any = await self._session.execute(
            update(SyncJobRow)
            .where(col(SyncJobRow.status) == "running", last_sign_of_life < silent_since)
            .values(
                status="failed",
                error="sync_interrupted",
                error_detail="The service stopped during the sync.",
                finished_at=now,
            )
        )
        return int(result.rowcount or 0)

    async def beat(self, job_ids: Sequence[str], *, now: datetime) -> None:
        if job_ids:
            await self._session.execute(
                update(SyncJobRow)
                .where(col(SyncJobRow.id).in_(list(job_ids)), col(SyncJobRow.status) == "running")
                .values(heartbeat_at=now)
            )


class SqlSyncedProducts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def fingerprints(self, store_id: str, product_ids: Sequence[str]) -> dict[str, str]:
        if not product_ids:
            return {}
        query = select(SyncedProductRow.platform_product_id, SyncedProductRow.fingerprint).where(
            col(SyncedProductRow.store_id) == store_id,
            col(SyncedProductRow.platform_product_id).in_(list(product_ids)),
        )
        return {pid: fingerprint for pid, fingerprint in (await self._session.execute(query)).all()}

    async def seen(
        self, store_id: str, sync_id: str, products: Sequence[SyncedProduct], *, publish: Sequence[str], at: datetime
    ) -> None:
        """One multi-row upsert per page (no round trip per product)."""
        if not products:
            return
        waiting = set(publish)
        rows = [
            {
                "store_id": store_id,
                "platform_product_id": p.platform_product_id,
                "fingerprint": p.fingerprint,
                "status": (p.status or "")[:20] or None,
                "last_sync_id": sync_id,
                "synced_at": at,
                "pending_sync_id": sync_id if p.platform_product_id in waiting else None,
                "payload": p.payload if p.platform_product_id in waiting else None,
            }
            for p in products
        ]
        dialect = self._session.get_bind().dialect.name
        insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(SyncedProductRow).values(rows)
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=["store_id", "platform_product_id"],
            set_={
                "fingerprint": excluded.fingerprint,
                "status": excluded.status,
                "last_sync_id": excluded.last_sync_id,
                "synced_at": excluded.synced_at,
                "pending_sync_id": func.coalesce(excluded.pending_sync_id, SyncedProductRow.pending_sync_id),
                "payload": func.coalesce(excluded.payload, SyncedProductRow.payload),
            },
        )
        await self._session.execute(statement)

    async def mark_gone(
        self, store_id: str, sync_id: str, product_ids: Sequence[str] | None, *, since: datetime, at: datetime
    ) -> int:
        where = [
            col(SyncedProductRow.store_id) == store_id,
            col(SyncedProductRow.synced_at) < since,
            func.coalesce(SyncedProductRow.status, "") != "deleted",
        ]
        if product_ids is not None:
            where.append(col(SyncedProductRow.platform_product_id).in_(list(product_ids)))
        gone = [
            pid
            for (pid,) in (
                await self._session.execute(select(SyncedProductRow.platform_product_id).where(*where))
            ).all()
        ]
        for pid in gone:
            payload = json.dumps({"platform_product_id": pid, "title": "", "status": "deleted", "variants": []})
            await self._session.execute(
                update(SyncedProductRow)
                .where(col(SyncedProductRow.store_id) == store_id, col(SyncedProductRow.platform_product_id) == pid)
                .values(
                    status="deleted",
                    fingerprint="deleted",
                    last_sync_id=sync_id,
                    synced_at=at,
                    pending_sync_id=sync_id,
                    payload=payload,
                )
            )
        return len(gone)

    async def pending_sizes(self, store_id: str, sync_id: str) -> list[tuple[str, int]]:
        query = (
            select(SyncedProductRow.platform_product_id, func.length(SyncedProductRow.payload))
            .where(col(SyncedProductRow.store_id) == store_id, col(SyncedProductRow.pending_sync_id) == sync_id)
            .order_by(col(SyncedProductRow.platform_product_id))
        )
        return [(pid, int(size or 0)) for pid, size in (await self._session.execute(query)).all()]

    async def take_pending(self, store_id: str, sync_id: str, product_ids: Sequence[str]) -> list[str]:
        where = (
            col(SyncedProductRow.store_id) == store_id,
            col(SyncedProductRow.pending_sync_id) == sync_id,
            col(SyncedProductRow.platform_product_id).in_(list(product_ids)),
        )
        query = select(SyncedProductRow.payload).where(*where).order_by(col(SyncedProductRow.platform_product_id))
        taken = [payload for (payload,) in (await self._session.execute(query)).all() if payload]
        await self._session.execute(update(SyncedProductRow).where(*where).values(pending_sync_id=None, payload=None))
        return taken


async def purge_webhook_deliveries(session: AsyncSession, *, before: datetime, parked_before: datetime) -> int:
    """Housekeeping: deliveries (raw bodies and de-duplication keys) received before ``before``
    once derived, and parked ones received before ``parked_before`` (kept longer, for a retry);
    one still to be derived is kept whatever its age."""
    received = col(WebhookDeliveryRow.received_at)
    derived = delete(WebhookDeliveryRow).where(received < before, col(WebhookDeliveryRow.derived_at).is_not(None))
    parked = delete(WebhookDeliveryRow).where(
        received < parked_before,
        col(WebhookDeliveryRow.parked_at).is_not(None),
        col(WebhookDeliveryRow.derived_at).is_(None),
    )
    removed = 0
    for statement in (derived, parked):
        result: Any = await session.execute(statement)
        removed += int(result.rowcount or 0)
    return removed


async def purge_oauth_states(session: AsyncSession, *, before: datetime) -> int:
    result: Any = await session.execute(delete(OAuthStateRow).where(col(OAuthStateRow.expires_at) < before))
    return int(result.rowcount or 0)


def _store_changes(
    forget: Callable[[str], None] | None, after_commit: list[Callable[[], None]]
) -> Callable[[str], None]:
    """What the store repository calls when it changes a store: ``forget(store_id)`` now and
    once committed. Holds no reference to the unit of work (see ``commit_callbacks``): as a
    bound method of it, every unit of work was a reference cycle, about 250 every 5 s at 500
    orders/s, each keeping its events until a full collection."""

    def changed(store_id: str) -> None:
        if forget is not None:
            forget(store_id)
            after_commit.append(lambda: forget(store_id))

    return changed


class ConnectorUnitOfWork(SqlUnitOfWork):
    stores: SqlStoreRepository
    webhooks: SqlWebhookDeliveries
    oauth_states: SqlOAuthStates
    sync_jobs: SqlSyncJobs
    synced_products: SqlSyncedProducts
    _store_changed: Callable[[str], None] | None = None

    def on_store_change(self, forget: Callable[[str], None]) -> "ConnectorUnitOfWork":
        """``forget(store_id)`` is called when a store is changed here and again once the
        change is committed (what keeps a copy of the store drops it)."""
        self._store_changed = forget
        return self

    def open_repositories(self, session: AsyncSession) -> None:
        self.stores = SqlStoreRepository(session, changed=_store_changes(self._store_changed, self.commit_callbacks()))
        self.webhooks = SqlWebhookDeliveries(session)
        self.intake = SqlIntakeRepository(session)
        self.pressero = SqlPresseroRepository(session)
        self.clients = SqlKnownClients(session)
        self.oauth_states = SqlOAuthStates(session)
        self.sync_jobs = SqlSyncJobs(session)
        self.synced_products = SqlSyncedProducts(session)
        self.order_polls = SqlOrderPolls(session)
        self.shipment_pushes = SqlShipmentPushes(session)
        self.publications = SqlPublications(session)
        self.reconciliations = SqlReconciliations(session)
        self.connection_checks = SqlConnectionChecks(session)
