"""The last connection check of each store (see domain/connection_checks.py)."""

from datetime import datetime

from sqlalchemy import Column, DateTime, Text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from connector.adapters.tables import utc
from connector.domain.connection_checks import CheckOutcome, ConnectionCheck


class ConnectionCheckRow(SQLModel, table=True):
    __tablename__ = "connection_checks"

    store_id: str = Field(primary_key=True, max_length=36)
    checked_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    outcome: str = Field(max_length=20, description="healthy, repaired, needs_attention, unavailable")
    repaired: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    notified_version: int | None = Field(default=None, nullable=True, description="Store version its admin was told")


class SqlConnectionChecks:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, store_id: str, *, for_update: bool = False) -> ConnectionCheck | None:
        row = await self._session.get(ConnectionCheckRow, store_id, with_for_update=for_update)
        if row is None:
            return None
        outcome: CheckOutcome = row.outcome  # type: ignore[assignment]
        return ConnectionCheck(
            store_id=row.store_id,
            checked_at=utc(row.checked_at) or row.checked_at,
            outcome=outcome,
            repaired=tuple(t for t in row.repaired.split(",") if t),
            notified_version=row.notified_version,
        )

    async def put(self, check: ConnectionCheck) -> None:
        row = await self._session.get(ConnectionCheckRow, check.store_id)
        if row is None:
            row = ConnectionCheckRow(store_id=check.store_id, checked_at=check.checked_at, outcome=check.outcome)
            self._session.add(row)
        row.checked_at, row.outcome = check.checked_at, check.outcome
        row.repaired = ",".join(check.repaired)
        row.notified_version = check.notified_version
