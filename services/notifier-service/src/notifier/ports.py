from datetime import datetime
from typing import Protocol

from notifier.domain import Email
from service_runtime.ports import UnitOfWork as RuntimeUnitOfWork


class EmailRepository(Protocol):
    def add(self, email: Email) -> None: ...
    async def exists_for_event(self, event_id: str) -> bool: ...
    async def next_due(self, now: datetime) -> Email | None:
        """The pending email due first, locked until the unit of work ends (others skip it)."""

    async def save(self, email: Email) -> None: ...
    async def search(self, *, client_id: str | None, to: str | None, limit: int) -> list[Email]: ...


class Mailer(Protocol):
    async def send(self, email: Email) -> None:
        """Hands the email to the mail server; raises DeliveryFailed when it cannot."""


class Clock(Protocol):
    def now(self) -> datetime: ...


class UnitOfWork(RuntimeUnitOfWork, Protocol):
    """What notifier's handlers use: one transaction over the emails and the outbox."""

    @property
    def emails(self) -> EmailRepository: ...
