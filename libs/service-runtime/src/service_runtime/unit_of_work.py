"""The unit of work every service's handlers use: one session, its outbox and inbox,
one commit. Services subclass it to open their repositories on the session."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service_runtime.inbox import Inbox
from service_runtime.outbox import Outbox


@dataclass(frozen=True)
class Applying:
    """The consumed event this unit of work applies: recorded at commit."""

    consumer: str
    event_id: str


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

    async def __aenter__(self):
        self.session = self._sessions()
        self.outbox = Outbox(self.session, source=self._source)
        self.inbox = Inbox(self.session)
        self.committed = False
        self.open_repositories(self.session)
        return self

    def open_repositories(self, session: AsyncSession) -> None:
        """Subclasses attach their repositories here."""

    async def commit(self) -> None:
        if self.applying is not None:
            self.inbox.record(self.applying.consumer, self.applying.event_id)
        await self.session.commit()
        self.committed = True
        if self._on_commit is not None and self.outbox.added:
            self._on_commit()

    async def rollback(self) -> None:
        await self.session.rollback()

    async def __aexit__(self, *exc_info) -> None:
        try:
            if not self.committed:
                await self.session.rollback()
        finally:
            await self.session.close()
