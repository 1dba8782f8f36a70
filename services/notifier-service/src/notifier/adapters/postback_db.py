"""Postback rows (endpoints, orders' sequences, deliveries, attempts, clients' admins) and
the repositories over them. Signing secrets are sealed at rest with STOREFRONTS_SECRET_KEYS."""

import json
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, Text, UniqueConstraint, exists, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import Field, SQLModel

from notifier.domain import ClientAdmin
from notifier.postbacks import ENABLED, FAILED, PENDING, Attempt, Delivery, Endpoint, OrderTrack
from service_runtime.secrets import SecretBox

SECRETS_BOX = "notifier.bodies"  # session.info: the runtime's SecretBox (the one that seals mail bodies)
_SEALED = "sealed:"


def _moment(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class PostbackEndpointRow(SQLModel, table=True):
    __tablename__ = "postback_endpoints"

    id: str = Field(primary_key=True, max_length=36)
    client_id: str = Field(max_length=64, index=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    description: str = Field(default="", max_length=200)
    event_types: str = Field(sa_column=Column(Text, nullable=False))  # JSON list
    status: str = Field(max_length=16)
    secret: str = Field(sa_column=Column(Text, nullable=False))  # sealed
    previous_secret: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # sealed
    previous_secret_expires_at: datetime | None = Field(default=None, sa_column=_moment(nullable=True))
    consecutive_failures: int = 0
    disabled_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=_moment())
    updated_at: datetime = Field(sa_column=_moment())


class PostbackOrderRow(SQLModel, table=True):
    """Per order: the sequence its postbacks reached and its lines (from OrderAccepted)."""

    __tablename__ = "postback_orders"

    order_id: str = Field(primary_key=True, max_length=64)
    client_id: str = Field(max_length=64)
    sequence: int = 0
    lines: str = Field(sa_column=Column(Text, nullable=False))  # JSON list


class PostbackDeliveryRow(SQLModel, table=True):
    __tablename__ = "postback_deliveries"
    __table_args__ = (
        Index("ix_postback_deliveries_due", "status", "next_attempt_at"),
        Index("ix_postback_deliveries_order", "endpoint_id", "order_id", "sequence"),
        Index("ix_postback_deliveries_log", "endpoint_id", "created_at"),
        # the lanes' queue: pending rows only, in the order they are sent, so a claim does not
        # walk the endpoint's delivered history
        Index(
            "ix_postback_deliveries_pending_queue",
            "endpoint_id",
            "created_at",
            "sequence",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        UniqueConstraint("endpoint_id", "caused_by_event_id", name="uq_postback_deliveries_event"),
    )

    id: str = Field(primary_key=True, max_length=64)
    endpoint_id: str = Field(max_length=36)
    client_id: str = Field(max_length=64)
    postback_type: str = Field(max_length=64)
    order_id: str | None = Field(default=None, max_length=64)
    sequence: int = 0
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=16)
    attempts: int = 0
    round_attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_moment())
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    caused_by_event_id: str = Field(max_length=64)
    event_time: datetime = Field(sa_column=_moment())
    created_at: datetime = Field(sa_column=_moment())
    finished_at: datetime | None = Field(default=None, sa_column=_moment(nullable=True))


class PostbackAttemptRow(SQLModel, table=True):
    __tablename__ = "postback_attempts"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    delivery_id: str = Field(max_length=64, index=True)
    endpoint_id: str = Field(max_length=36)
    number: int
    at: datetime = Field(sa_column=_moment())
    status_code: int | None = None
    duration_ms: int = 0
    response_body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    ok: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=text("false")))


class ClientAdminRow(SQLModel, table=True):
    __tablename__ = "client_admins"

    client_id: str = Field(primary_key=True, max_length=64)
    email: str = Field(max_length=320)
    first_name: str = Field(max_length=200)
    enabled: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=text("false")))
    version: int | None = None


TABLES = (PostbackEndpointRow, PostbackOrderRow, PostbackDeliveryRow, PostbackAttemptRow, ClientAdminRow)


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)  # SQLite drops the zone


def _seal(box: SecretBox | None, secret: str | None) -> str | None:
    if secret is None:
        return None
    if box is None:
        raise RuntimeError("postback signing secrets need STOREFRONTS_SECRET_KEYS to be stored")
    return _SEALED + box.encrypt(secret)


def _open(box: SecretBox | None, sealed: str | None) -> str | None:
    if sealed is None:
        return None
    if box is None:
        raise RuntimeError("a sealed signing secret and no STOREFRONTS_SECRET_KEYS to open it")
    return box.decrypt(sealed.removeprefix(_SEALED))


def _endpoint(row: PostbackEndpointRow, box: SecretBox | None) -> Endpoint:
    return Endpoint(
        id=row.id,
        client_id=row.client_id,
        url=row.url,
        description=row.description,
        event_types=tuple(json.loads(row.event_types)),
        status=row.status,
        secret=_open(box, row.secret) or "",
        previous_secret=_open(box, row.previous_secret),
        previous_secret_expires_at=_utc(row.previous_secret_expires_at),
        consecutive_failures=row.consecutive_failures,
        disabled_reason=row.disabled_reason,
        created_at=_utc(row.created_at),  # type: ignore[arg-type]
        updated_at=_utc(row.updated_at),  # type: ignore[arg-type]
    )


def _endpoint_row(endpoint: Endpoint, row: PostbackEndpointRow | None, box: SecretBox | None) -> PostbackEndpointRow:
    row = row or PostbackEndpointRow(id=endpoint.id)
    row.client_id = endpoint.client_id
    row.url = endpoint.url
    row.description = endpoint.description
    row.event_types = json.dumps(list(endpoint.event_types))
    row.status = endpoint.status
    if row.secret is None or _open(box, row.secret) != endpoint.secret:
        row.secret = _seal(box, endpoint.secret)
    if endpoint.previous_secret is None:
        row.previous_secret = None
    elif row.previous_secret is None or _open(box, row.previous_secret) != endpoint.previous_secret:
        row.previous_secret = _seal(box, endpoint.previous_secret)
    row.previous_secret_expires_at = endpoint.previous_secret_expires_at
    row.consecutive_failures = endpoint.consecutive_failures
    row.disabled_reason = endpoint.disabled_reason
    row.created_at = endpoint.created_at
    row.updated_at = endpoint.updated_at
    return row


_DELIVERY_FIELDS = (
    "endpoint_id",
    "client_id",
    "postback_type",
    "order_id",
    "sequence",
    "body",
    "status",
    "attempts",
    "round_attempts",
    "next_attempt_at",
    "last_status_code",
    "last_error",
    "caused_by_event_id",
    "event_time",
    "created_at",
    "finished_at",
)


def _delivery(row: PostbackDeliveryRow) -> Delivery:
    values = {name: getattr(row, name) for name in _DELIVERY_FIELDS}
    for name in ("next_attempt_at", "event_time", "created_at", "finished_at"):
        values[name] = _utc(values[name])
    return Delivery(id=row.id, **values)


def _delivery_row(delivery: Delivery, row: PostbackDeliveryRow | None = None) -> PostbackDeliveryRow:
    row = row or PostbackDeliveryRow(id=delivery.id)
    for name in _DELIVERY_FIELDS:
        setattr(row, name, getattr(delivery, name))
    return row


def _attempt(row: PostbackAttemptRow) -> Attempt:
    return Attempt(
        delivery_id=row.delivery_id,
        endpoint_id=row.endpoint_id,
        number=row.number,
        at=_utc(row.at),  # type: ignore[arg-type]
        status_code=row.status_code,
        duration_ms=row.duration_ms,
        response_body=row.response_body,
        error=row.error,
        ok=row.ok,
    )


Row = TypeVar("Row", bound=SQLModel)


class SqlPostbackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._box: SecretBox | None = session.info.get(SECRETS_BOX)
        self._orders_read: dict[str, PostbackOrderRow | None] = {}  # by tracks_of: None when there was none
        # rows read in this unit of work, held: the session's identity map keeps rows only
        # weakly, so a row read, turned into a domain object and dropped cost a second SELECT
        # when saved (one per postback attempt recorded)
        self._read: dict[tuple[type, str], Any] = {}

    def _hold(self, row: Row | None) -> Row | None:
        if row is not None:
            self._read[type(row), row.id] = row  # type: ignore[attr-defined]
        return row

    async def _held(self, kind: type[Row], row_id: str) -> Row | None:
        row = self._read.get((kind, row_id))
        return row if row is not None else self._hold(await self._session.get(kind, row_id))

    def add_endpoint(self, endpoint: Endpoint) -> None:
        self._session.add(_endpoint_row(endpoint, None, self._box))

    async def _endpoint_row(self, endpoint_id: str, *, for_update: bool = False) -> PostbackEndpointRow | None:
        query = select(PostbackEndpointRow).where(PostbackEndpointRow.id == endpoint_id)
        if for_update:
            query = query.with_for_update()
        return self._hold((await self._session.execute(query)).scalars().first())

    async def endpoint(self, endpoint_id: str, *, for_update: bool = False) -> Endpoint | None:
        row = await self._endpoint_row(endpoint_id, for_update=for_update)
        return _endpoint(row, self._box) if row else None

    async def save_endpoint(self, endpoint: Endpoint) -> None:
        _endpoint_row(endpoint, await self._held(PostbackEndpointRow, endpoint.id), self._box)

    async def endpoints_of(self, client_ids: Collection[str]) -> list[Endpoint]:
        query = (
            select(PostbackEndpointRow)
            .where(PostbackEndpointRow.client_id.in_(list(client_ids)))  # type: ignore[attr-defined]
            .order_by(PostbackEndpointRow.created_at, PostbackEndpointRow.id)  # type: ignore[arg-type]
        )
        return [_endpoint(self._hold(row), self._box) for row in (await self._session.execute(query)).scalars()]

    async def tracks_of(self, order_ids: Collection[str]) -> dict[str, OrderTrack]:
        query = select(PostbackOrderRow).where(PostbackOrderRow.order_id.in_(list(order_ids)))  # type: ignore[attr-defined]
        rows = {row.order_id: row for row in (await self._session.execute(query)).scalars()}
        self._orders_read.update({order_id: rows.get(order_id) for order_id in order_ids})
        return {
            row.order_id: OrderTrack(
                order_id=row.order_id,
                client_id=row.client_id,
                sequence=row.sequence,
                lines=tuple(json.loads(row.lines)),
            )
            for row in rows.values()
        }

    async def save_tracks(self, tracks: Collection[OrderTrack]) -> None:
        for track in tracks:
            # an order tracks_of read (found or not) costs no second round trip: a batch of new
            # orders used to cost one SELECT each
            if track.order_id in self._orders_read:
                row = self._orders_read[track.order_id]
            else:
                row = await self._session.get(PostbackOrderRow, track.order_id)
            if row is None:
                row = PostbackOrderRow(order_id=track.order_id, client_id=track.client_id, lines="[]")
                self._session.add(row)
                self._orders_read[track.order_id] = row
            row.sequence = track.sequence
            row.lines = json.dumps([dict(line) for line in track.lines])

    def add_deliveries(self, deliveries: Collection[Delivery]) -> None:
        self._session.add_all([_delivery_row(delivery) for delivery in deliveries])

    async def _delivery_row(self, delivery_id: str, *, for_update: bool = False) -> PostbackDeliveryRow | None:
        query = select(PostbackDeliveryRow).where(PostbackDeliveryRow.id == delivery_id)
        if for_update:
            query = query.with_for_update()
        return self._hold((await self._session.execute(query)).scalars().first())

    async def delivery(self, delivery_id: str, *, for_update: bool = False) -> Delivery | None:
        row = await self._delivery_row(delivery_id, for_update=for_update)
        return _delivery(row) if row else None

    async def deliveries_for_update(self, delivery_ids: Collection[str]) -> dict[str, Delivery]:
        query = (
            select(PostbackDeliveryRow)
            .where(PostbackDeliveryRow.id.in_(sorted(delivery_ids)))  # type: ignore[attr-defined]
            .order_by(PostbackDeliveryRow.id)  # type: ignore[arg-type]
            .with_for_update()
        )
        return {row.id: _delivery(self._hold(row)) for row in (await self._session.execute(query)).scalars()}

    async def save_delivery(self, delivery: Delivery) -> None:
        _delivery_row(delivery, await self._held(PostbackDeliveryRow, delivery.id))

    def add_attempt(self, attempt: Attempt) -> None:
        self._session.add(
            PostbackAttemptRow(
                delivery_id=attempt.delivery_id,
                endpoint_id=attempt.endpoint_id,
                number=attempt.number,
                at=attempt.at,
                status_code=attempt.status_code,
                duration_ms=attempt.duration_ms,
                response_body=attempt.response_body,
                error=attempt.error,
                ok=attempt.ok,
            )
        )

    async def deliveries_of(
        self, endpoint_id: str, *, status: str | None, order_id: str | None, limit: int
    ) -> list[Delivery]:
        query = select(PostbackDeliveryRow).where(PostbackDeliveryRow.endpoint_id == endpoint_id)
        if status is not None:
            query = query.where(PostbackDeliveryRow.status == status)
        if order_id is not None:
            query = query.where(PostbackDeliveryRow.order_id == order_id)
        query = query.order_by(
            PostbackDeliveryRow.created_at.desc(),  # type: ignore[attr-defined]
            PostbackDeliveryRow.sequence.desc(),  # type: ignore[attr-defined]
        ).limit(limit)
        return [_delivery(row) for row in (await self._session.execute(query)).scalars()]

    async def attempts_of(self, delivery_ids: Collection[str]) -> dict[str, list[Attempt]]:
        query = (
            select(PostbackAttemptRow)
            .where(PostbackAttemptRow.delivery_id.in_(list(delivery_ids)))  # type: ignore[attr-defined]
            .order_by(PostbackAttemptRow.delivery_id, PostbackAttemptRow.number)  # type: ignore[arg-type]
        )
        found: dict[str, list[Attempt]] = {}
        for row in (await self._session.execute(query)).scalars():
            found.setdefault(row.delivery_id, []).append(_attempt(row))
        return found

    async def failed_between(self, endpoint_id: str, since: datetime, until: datetime) -> list[Delivery]:
        query = (
            select(PostbackDeliveryRow)
            .where(
                PostbackDeliveryRow.endpoint_id == endpoint_id,
                PostbackDeliveryRow.status == FAILED,
                PostbackDeliveryRow.created_at >= since,  # type: ignore[operator]
                PostbackDeliveryRow.created_at < until,  # type: ignore[operator]
            )
            .order_by(PostbackDeliveryRow.created_at, PostbackDeliveryRow.sequence)  # type: ignore[arg-type]
            .with_for_update()
        )
        return [_delivery(self._hold(row)) for row in (await self._session.execute(query)).scalars()]

    def _due(self, now: datetime):  # type: ignore[no-untyped-def]
        """Pending, due, and not behind an earlier pending delivery of its order to its endpoint.

        Said as "the first pending sequence of its order", which the planner answers with one
        probe of ix_postback_deliveries_order per row, rather than NOT EXISTS or min(): with
        statistics that did not know of the backlog, PostgreSQL planned those as a scan of
        every pending row of the endpoint per row, quadratic in the backlog (150 to 180 ms a
        claim at 850 pending deliveries, for 4 deliveries)."""
        earlier = aliased(PostbackDeliveryRow)
        first_pending_of_order = (
            select(earlier.sequence)
            .where(
                earlier.endpoint_id == PostbackDeliveryRow.endpoint_id,
                earlier.order_id == PostbackDeliveryRow.order_id,
                earlier.status == PENDING,
            )
            .order_by(earlier.sequence)
            .limit(1)
            .scalar_subquery()
        )
        return (
            PostbackDeliveryRow.status == PENDING,
            PostbackDeliveryRow.next_attempt_at <= now,  # type: ignore[operator]
            or_(
                PostbackDeliveryRow.order_id.is_(None),  # type: ignore[union-attr]
                PostbackDeliveryRow.sequence == first_pending_of_order,
            ),
        )

    async def endpoints_with_due_deliveries(self, now: datetime, limit: int) -> list[str]:
        # per enabled endpoint, stops at its first due delivery (not every due row, then DISTINCT)
        query = (
            select(PostbackEndpointRow.id)
            .where(
                PostbackEndpointRow.status == ENABLED,
                exists().where(PostbackDeliveryRow.endpoint_id == PostbackEndpointRow.id, *self._due(now)),
            )
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars())

    async def claim_due(self, endpoint_id: str, *, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        query = (
            select(PostbackDeliveryRow)
            .where(PostbackDeliveryRow.endpoint_id == endpoint_id, *self._due(now))
            .order_by(PostbackDeliveryRow.created_at, PostbackDeliveryRow.sequence)  # type: ignore[arg-type]
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list((await self._session.execute(query)).scalars())
        claimed = [_delivery(row) for row in rows]
        for row in rows:
            row.next_attempt_at = until  # leased: not due again until the attempt is recorded or the lease ends
        return claimed


class SqlClientAdminRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, client_id: str) -> ClientAdmin | None:
        row = await self._session.get(ClientAdminRow, client_id)
        if row is None:
            return None
        return ClientAdmin(
            client_id=row.client_id,
            email=row.email,
            first_name=row.first_name,
            enabled=row.enabled,
            version=row.version,
        )

    async def save(self, admin: ClientAdmin) -> None:
        row = await self._session.get(ClientAdminRow, admin.client_id)
        if row is None:
            row = ClientAdminRow(client_id=admin.client_id, email=admin.email, first_name=admin.first_name)
            self._session.add(row)
        row.email, row.first_name, row.enabled, row.version = (
            admin.email,
            admin.first_name,
            admin.enabled,
            admin.version,
        )
