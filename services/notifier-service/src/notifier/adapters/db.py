"""Email rows, the repository over them, the unit of work and the schema migrations."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Column, DateTime, Index, Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from notifier.adapters import postback_db
from notifier.domain import PENDING, Email
from service_runtime.migrations import Migrations
from service_runtime.secrets import SecretBox
from service_runtime.unit_of_work import SqlUnitOfWork


def _moment(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class EmailRow(SQLModel, table=True):
    __tablename__ = "emails"
    __table_args__ = (Index("ix_emails_due", "status", "next_attempt_at"),)

    id: str = Field(primary_key=True, max_length=36)
    client_id: str | None = Field(default=None, max_length=64, index=True)
    recipient: str = Field(max_length=320, index=True)
    subject: str = Field(max_length=500)
    template: str = Field(max_length=64)
    locale: str = Field(max_length=16)
    text_body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    html_body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_moment())
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    caused_by_event_id: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_column=_moment())
    sent_at: datetime | None = Field(default=None, sa_column=_moment(nullable=True))


MIGRATIONS = Migrations(Path(__file__).parents[1] / "migrations", tables=(EmailRow, *postback_db.TABLES))

_FIELDS = (
    "client_id",
    "subject",
    "template",
    "locale",
    "text_body",
    "html_body",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "caused_by_event_id",
    "created_at",
    "sent_at",
)


BODIES_BOX = "notifier.bodies"  # session.info: the SecretBox that seals mail bodies at rest
_SEALED = "sealed:"


def _seal(box: SecretBox | None, text: str | None) -> str | None:
    """A body holds an invitation link until it is sent: encrypted at rest (STOREFRONTS_SECRET_KEYS)."""
    return text if text is None or box is None else _SEALED + box.encrypt(text)


def _open(box: SecretBox | None, text: str | None) -> str | None:
    if text is None or not text.startswith(_SEALED):
        return text
    if box is None:
        raise RuntimeError("a sealed mail body and no STOREFRONTS_SECRET_KEYS to open it")
    return box.decrypt(text.removeprefix(_SEALED))


def _to_row(email: Email, row: EmailRow | None = None, *, box: SecretBox | None = None) -> EmailRow:
    row = row or EmailRow(
        id=email.id,
        recipient=email.to,
        subject=email.subject,
        template=email.template,
        locale=email.locale,
        status=email.status,
        next_attempt_at=email.next_attempt_at,
        caused_by_event_id=email.caused_by_event_id,
        created_at=email.created_at,
    )
    for name in _FIELDS:
        setattr(row, name, getattr(email, name))
    row.recipient = email.to
    row.text_body, row.html_body = _seal(box, email.text_body), _seal(box, email.html_body)
    return row


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)  # SQLite drops the zone


def _to_email(row: EmailRow, *, box: SecretBox | None = None) -> Email:
    values = {name: getattr(row, name) for name in _FIELDS}
    values["text_body"], values["html_body"] = _open(box, row.text_body), _open(box, row.html_body)
    for name in ("next_attempt_at", "created_at", "sent_at"):
        values[name] = _utc(values[name])
    return Email(id=row.id, to=row.recipient, **values)


class SqlEmailRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._box: SecretBox | None = session.info.get(BODIES_BOX)

    def add(self, email: Email) -> None:
        self._session.add(_to_row(email, box=self._box))

    async def exists_for_event(self, event_id: str) -> bool:
        query = select(EmailRow.id).where(EmailRow.caused_by_event_id == event_id)
        return (await self._session.execute(query)).first() is not None

    async def next_due(self, now: datetime) -> Email | None:
        query = (
            select(EmailRow)
            .where(EmailRow.status == PENDING, EmailRow.next_attempt_at <= now)  # type: ignore[operator]
            .order_by(EmailRow.next_attempt_at, EmailRow.id)  # type: ignore[arg-type]
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        row = (await self._session.execute(query)).scalars().first()
        return _to_email(row, box=self._box) if row else None

    async def save(self, email: Email) -> None:
        row = await self._session.get(EmailRow, email.id)
        _to_row(email, row, box=self._box)

    async def search(self, *, client_id: str | None, to: str | None, limit: int) -> list[Email]:
        query = select(EmailRow)
        if client_id is not None:
            query = query.where(EmailRow.client_id == client_id)
        if to:
            query = query.where(func.lower(EmailRow.recipient) == to.strip().lower())
        query = query.order_by(EmailRow.created_at.desc(), EmailRow.id).limit(limit)  # type: ignore[attr-defined]
        return [_to_email(row, box=self._box) for row in (await self._session.execute(query)).scalars()]


class NotifierUnitOfWork(SqlUnitOfWork):
    def open_repositories(self, session: AsyncSession) -> None:
        self.emails = SqlEmailRepository(session)
        self.postbacks = postback_db.SqlPostbackRepository(session)
        self.client_admins = postback_db.SqlClientAdminRepository(session)
