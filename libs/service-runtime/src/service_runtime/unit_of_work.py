"""The unit of work every service's handlers use: one session, its outbox and inbox,
one commit. Services subclass it to open their repositories on the session.

A handler of consumed events gets a unit of work that *shares* the transaction of the
batch being applied (``sharing(batch)``): ``async with uow`` opens a SAVEPOINT on the
batch's session (if none is open for this event yet), ``await uow.commit()`` only flushes
(the batch commits once, after its last event), and leaving the block without committing,
or an exception from the handler, rolls the event's savepoint back, so one failing event
is undone alone. The handler code is the same in both cases:
``async with uow: ...; await uow.commit()``.

A write that breaks a unique constraint (a concurrent request stored the same value first)
raises ``errors.UniqueViolation`` from ``commit()`` or from the ``async with`` block (a flush
before a query), not SQLAlchemy's ``IntegrityError``: handlers stay free of SQLAlchemy."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker

from service_runtime.errors import UniqueViolation
from service_runtime.inbox import Inbox
from service_runtime.outbox import Outbox

_PG_UNIQUE_VIOLATION = "23505"
_SQLITE_CONSTRAINT_UNIQUE, _SQLITE_CONSTRAINT_PRIMARYKEY = 2067, 1555


def is_unique_violation(error: BaseException) -> bool:
    """True for a database's refusal of a duplicate unique value (PostgreSQL 23505,
    SQLite's UNIQUE or PRIMARY KEY constraint), bare or wrapped by SQLAlchemy."""
    if not isinstance(error, IntegrityError):
        return False
    orig = error.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(sqlstate, str):
        return sqlstate == _PG_UNIQUE_VIOLATION
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code in (_SQLITE_CONSTRAINT_UNIQUE, _SQLITE_CONSTRAINT_PRIMARYKEY)
    return "unique" in str(orig).lower()


@dataclass(frozen=True)
class Applying:
    """The consumed event this unit of work applies: recorded at commit."""

    consumer: str
    event_id: str


class SharedTransaction:
    """One session and one transaction for a batch of consumed events: the units of work
    of its handlers join it; the event router commits it once."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.session = sessions()
        self.outbox_added = False
        self.committed = False
        self.after_commit: list[Callable[[], None]] = []

    async def __aenter__(self) -> "SharedTransaction":
        return self

    async def commit(self) -> None:
        await self.session.commit()
        self.committed = True
        for callback in self.after_commit:
            callback()

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            if not self.committed:
                await self.session.rollback()
        finally:
            await self.session.close()


class SqlUnitOfWork:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        source: str,
        on_commit: Callable[[], None] | None = None,
        applying: Applying | None = None,
    ) -> None:
        self._sessions = sessions
        self._source = source
        self._on_commit = on_commit
        self.applying = applying
        self.committed = False
        self._shared: SharedTransaction | None = None
        self._savepoint: AsyncSessionTransaction | None = None
        self._with_savepoint = True
        self._after_commit: list[Callable[[], None]] = []

    def shared_transaction(self) -> SharedTransaction:
        """A new transaction that units of work can join with ``sharing``."""
        return SharedTransaction(self._sessions)

    def sharing(self, transaction: SharedTransaction, *, savepoint: bool = True) -> "SqlUnitOfWork":
        """This unit of work joins ``transaction`` (a consumed batch's): commit flushes into
        a savepoint of it instead of committing. ``savepoint=False``: straight into the
        transaction, whose owner then rolls it all back if this unit of work fails (a batch
        handler given the whole batch: its work is the batch's, two round trips saved)."""
        self._shared = transaction
        self._with_savepoint = savepoint
        return self

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Calls ``callback`` once this unit of work's changes are really committed (for a
        consumed event: after its batch's commit), e.g. to wake a background task."""
        if self._shared is not None:
            self._shared.after_commit.append(callback)
        else:
            self._after_commit.append(callback)

    def commit_callbacks(self) -> list[Callable[[], None]]:
        """The list ``after_commit`` adds to (the shared transaction's when this unit of work
        shares one): for a repository that calls back after the commit without holding the unit
        of work. A bound method of it kept by its own repository would make every unit of work
        a reference cycle, freed only by the collector's full passes with all it holds."""
        return self._shared.after_commit if self._shared is not None else self._after_commit

    def notify_committed(self) -> None:
        """Calls the commit hook (relay wake-up); the event router calls it after a shared
        transaction with outbox rows committed."""
        if self._on_commit is not None:
            self._on_commit()

    async def __aenter__(self) -> Self:
        if self._shared is not None:
            self.session = self._shared.session
            if self._with_savepoint and (self._savepoint is None or not self._savepoint.is_active):
                self._savepoint = await self.session.begin_nested()
        else:
            self.session = self._sessions()
        self.outbox = Outbox(self.session, source=self._source)
        self.inbox = Inbox(self.session)
        self.committed = False
        self.open_repositories(self.session)
        return self

    def open_repositories(self, session: AsyncSession) -> None:
        """Subclasses attach their repositories here."""

    async def commit(self) -> None:
        try:
            await self._commit()
        except IntegrityError as error:
            if is_unique_violation(error):
                raise UniqueViolation() from error
            raise

    async def _commit(self) -> None:
        if self.applying is not None:
            self.inbox.record(self.applying.consumer, self.applying.event_id)
        await self.outbox.write()
        if self._shared is not None:
            await self.session.flush()
            self.committed = True
            if self.outbox.added:
                self._shared.outbox_added = True
            return
        await self.session.commit()
        self.committed = True
        if self._on_commit is not None and self.outbox.added:
            self._on_commit()
        callbacks = list(self._after_commit)
        self._after_commit.clear()  # the same list: commit_callbacks() handed it out
        for callback in callbacks:
            callback()

    async def rollback(self) -> None:
        if self._shared is not None:
            await self.discard()
            return
        await self.session.rollback()

    async def keep(self) -> None:
        """(Shared only) the event's work stays in the batch: release its savepoint."""
        if self._savepoint is not None and self._savepoint.is_active:
            await self._savepoint.commit()
        self._savepoint = None

    async def discard(self) -> None:
        """(Shared only) undo the event's work: roll its savepoint back."""
        if self._savepoint is not None:  # also when a failed flush already deactivated it
            savepoint, self._savepoint = self._savepoint, None
            await savepoint.rollback()

    async def __aexit__(self, *exc_info: object) -> None:
        await self._leave()
        error = exc_info[1] if len(exc_info) > 1 else None
        if isinstance(error, IntegrityError) and is_unique_violation(error):  # a flush before a query
            raise UniqueViolation() from error

    async def _leave(self) -> None:
        if self._shared is not None:
            if not self.committed:
                await self.discard()
            return
        try:
            if not self.committed:
                await self.session.rollback()
        finally:
            await self.session.close()
