"""Access tables, repositories, unit of work and migrations."""

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from access.domain import KnownClient
from service_runtime.migrations import Migration, create_tables
from service_runtime.unit_of_work import SqlUnitOfWork


class KnownClientRow(SQLModel, table=True):
    __tablename__ = "known_clients"

    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=200)
    reference_id: str | None = Field(default=None, max_length=64)
    archived: bool = False
    version: str = Field(max_length=64)
    applied_count: int = Field(default=1, description="How many client events were applied (tests count duplicates)")


MIGRATIONS = (Migration("access-0001-known-clients", create_tables(KnownClientRow)),)


class SqlKnownClients:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, client_id: str) -> KnownClient | None:
        row = await self._session.get(KnownClientRow, client_id)
        return KnownClient(row.id, row.name, row.reference_id, row.archived, row.version) if row else None

    async def put(self, client: KnownClient) -> None:
        row = await self._session.get(KnownClientRow, client.id)
        if row is None:
            self._session.add(KnownClientRow(id=client.id, name=client.name, reference_id=client.reference_id,
                                             archived=client.archived, version=client.version))
            return
        row.name, row.reference_id, row.archived, row.version = client.name, client.reference_id, client.archived, client.version
        row.applied_count += 1


class AccessUnitOfWork(SqlUnitOfWork):
    def open_repositories(self, session: AsyncSession) -> None:
        self.clients = SqlKnownClients(session)
