"""What handlers need from the runtime's unit of work, as Protocols: each service's
``ports.UnitOfWork`` extends ``UnitOfWork`` with its repositories, so handlers are typed
without importing SQLAlchemy (``unit_of_work.SqlUnitOfWork`` implements it)."""

from typing import Protocol, Self

from storefront_events import Event


class EventOutbox(Protocol):
    def add(self, event: Event, *, subject: str | None = None, holds_secret: bool = False) -> None:
        """Stores the event in the unit of work's transaction; the relay publishes it after commit."""
        ...


class UnitOfWork(Protocol):
    """One transaction: ``async with uow: ...; await uow.commit()``. Leaving the block without
    committing rolls back; a taken unique value raises ``errors.UniqueViolation``."""

    @property
    def outbox(self) -> EventOutbox: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc_info: object) -> None: ...
    async def commit(self) -> None: ...
