"""Fakes of the notifier's ports, shared by the unit tests."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from notifier.domain import PENDING, DeliveryFailed, Email


class FakeClock:
    def __init__(self, now: datetime | None = None) -> None:
        self.moment = now or datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


class FakeMailer:
    def __init__(self) -> None:
        self.sent: list[Email] = []
        self.down = False
        self.refused: set[str] = set()

    async def send(self, email: Email) -> None:
        if self.down:
            raise DeliveryFailed("ConnectionRefusedError: nobody listens")
        if email.to in self.refused:
            raise DeliveryFailed(f"Recipient refused: 550 5.1.1 <{email.to}>: mailbox unavailable", permanent=True)
        self.sent.append(email)


class FakeEmailRepository:
    def __init__(self) -> None:
        self.rows: dict[str, Email] = {}

    def add(self, email: Email) -> None:
        self.rows[email.id] = email

    async def exists_for_event(self, event_id: str) -> bool:
        return any(e.caused_by_event_id == event_id for e in self.rows.values())

    async def next_due(self, now: datetime) -> Email | None:
        due = [e for e in self.rows.values() if e.status == PENDING and e.next_attempt_at <= now]
        return min(due, key=lambda e: (e.next_attempt_at, e.id), default=None)

    async def save(self, email: Email) -> None:
        self.rows[email.id] = replace(email)

    async def search(self, *, client_id: str | None, to: str | None, limit: int) -> list[Email]:
        found = [
            e
            for e in self.rows.values()
            if (client_id is None or e.client_id == client_id) and (not to or e.to.lower() == to.lower())
        ]
        return sorted(found, key=lambda e: e.created_at, reverse=True)[:limit]


class FakeOutbox:
    def __init__(self) -> None:
        self.events: list = []

    def add(self, event, *, subject: str | None = None) -> None:
        self.events.append(event)


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.emails = FakeEmailRepository()
        self.outbox = FakeOutbox()
        self.commits = 0

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_info) -> None:
        pass

    async def commit(self) -> None:
        self.commits += 1
