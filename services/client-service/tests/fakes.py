"""In-memory stand-ins for the client service's ports (unit tests, no infrastructure)."""

from datetime import UTC, datetime, timedelta


class FakeClock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment


class FakeClientRepository:
    def __init__(self) -> None:
        self.clients = {}

    async def get(self, client_id, *, for_update=False):
        return self.clients.get(client_id)

    async def reference_taken(self, reference_id, *, other_than=None):
        return any(
            c.reference_id and c.reference_id.casefold() == reference_id.casefold() and c.id != other_than
            for c in self.clients.values()
        )

    def add(self, client):
        self.clients[client.id] = client

    async def save(self, client):
        self.clients[client.id] = client

    async def search(self, *, text, status, after, limit):
        raise NotImplementedError


class FakeOutbox:
    def __init__(self, published: list) -> None:
        self._published = published
        self.pending: list = []

    def add(self, event, *, subject=None):
        self.pending.append(event)


class FakeUnitOfWork:
    """Commits make the outbox's events 'published'; leaving without commit drops them."""

    def __init__(self) -> None:
        self.clients = FakeClientRepository()
        self.published: list = []
        self.commits = 0

    async def __aenter__(self):
        self.outbox = FakeOutbox(self.published)
        return self

    async def __aexit__(self, *exc_info):
        self.outbox.pending.clear()

    async def commit(self):
        self.commits += 1
        self.published.extend(self.outbox.pending)
        self.outbox.pending.clear()
