"""Client rows, the repository over them, the unit of work and the schema migrations."""

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from client.domain import Client
from service_runtime.migrations import Migrations
from service_runtime.unit_of_work import SqlUnitOfWork


class ClientRow(SQLModel, table=True):
    __tablename__ = "clients"

    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, index=True)
    reference_id: str | None = Field(default=None, max_length=64)
    reference_key: str | None = Field(default=None, max_length=64, unique=True)
    description: str | None = Field(default=None, max_length=2000)
    archived: bool = Field(default=False, index=True)
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, description="Raised by one with each change; the client's events carry it")


MIGRATIONS = Migrations(Path(__file__).parents[1] / "migrations", tables=(ClientRow,))


def _to_row(client: Client, row: ClientRow | None = None) -> ClientRow:
    row = row or ClientRow(
        id=client.id, created_at=client.created_at, updated_at=client.updated_at, name="", name_key=""
    )
    row.name = client.name
    row.name_key = client.name.casefold()
    row.reference_id = client.reference_id
    row.reference_key = client.reference_id.casefold() if client.reference_id else None
    row.description = client.description
    row.archived = client.archived
    row.updated_at = client.updated_at
    row.version = client.version
    return row


def _to_client(row: ClientRow) -> Client:
    return Client(
        id=row.id,
        name=row.name,
        reference_id=row.reference_id,
        description=row.description,
        archived=row.archived,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


class SqlClientRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, client_id: str, *, for_update: bool = False) -> Client | None:
        """`for_update` takes the row lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
        unit of work holds the database's write lock from its start)."""
        row = await self._session.get(ClientRow, client_id, with_for_update=for_update)
        return _to_client(row) if row else None

    async def reference_taken(self, reference_id: str, *, other_than: str | None = None) -> bool:
        query = select(ClientRow.id).where(ClientRow.reference_key == reference_id.casefold())
        if other_than:
            query = query.where(ClientRow.id != other_than)
        return (await self._session.execute(query)).first() is not None

    def add(self, client: Client) -> None:
        self._session.add(_to_row(client))

    async def save(self, client: Client) -> None:
        row = await self._session.get(ClientRow, client.id)
        _to_row(client, row)

    async def search(self, *, text: str | None, status: str, after: tuple[str, str] | None, limit: int) -> list[Client]:
        query = select(ClientRow)
        if status != "all":
            query = query.where(ClientRow.archived.is_(status == "archived"))  # type: ignore[attr-defined]
        if text:
            pattern = f"%{_escape_like(text.casefold())}%"
            query = query.where(
                or_(
                    ClientRow.name_key.like(pattern, escape="\\"),
                    func.lower(ClientRow.reference_id).like(pattern, escape="\\"),
                )
            )
        if after:
            query = query.where(tuple_(ClientRow.name_key, ClientRow.id) > tuple_(*after))
        query = query.order_by(ClientRow.name_key, ClientRow.id).limit(limit)
        return [_to_client(row) for row in (await self._session.execute(query)).scalars()]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class ClientUnitOfWork(SqlUnitOfWork):
    def open_repositories(self, session: AsyncSession) -> None:
        self.clients = SqlClientRepository(session)
