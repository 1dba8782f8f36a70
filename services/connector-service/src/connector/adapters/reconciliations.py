"""How each store's last reconciliation went (see domain/reconciliations.py)."""

import json
from datetime import datetime

from sqlalchemy import Column, DateTime, Text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from connector.adapters.tables import utc
from connector.domain.reconciliations import Reconciliation


class ReconciliationRow(SQLModel, table=True):
    __tablename__ = "reconciliations"

    store_id: str = Field(primary_key=True, max_length=36)
    last_run_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    seen: int = Field(default=0, description="Orders the platform listed at the last run")
    recovered: int = Field(default=0, description="Orders new to us at the last run")
    total_recovered: int = Field(default=0)
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True), description="Message key")
    error_detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    error_values: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True), description="JSON: the message's values"
    )


class SqlReconciliations:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, store_id: str, *, for_update: bool = False) -> Reconciliation | None:
        row = await self._session.get(ReconciliationRow, store_id, with_for_update=for_update)
        if row is None:
            return None
        return Reconciliation(
            store_id=row.store_id,
            last_run_at=utc(row.last_run_at),
            seen=row.seen,
            recovered=row.recovered,
            total_recovered=row.total_recovered,
            error=row.error,
            error_detail=row.error_detail,
            error_values=json.loads(row.error_values) if row.error_values else {},
        )

    async def put(self, reconciliation: Reconciliation) -> None:
        row = await self._session.get(ReconciliationRow, reconciliation.store_id)
        if row is None:
            row = ReconciliationRow(store_id=reconciliation.store_id)
            self._session.add(row)
        row.last_run_at, row.seen, row.recovered = (
            reconciliation.last_run_at,
            reconciliation.seen,
            reconciliation.recovered,
        )
        row.total_recovered = reconciliation.total_recovered
        row.error, row.error_detail = reconciliation.error, reconciliation.error_detail
        row.error_values = json.dumps(dict(reconciliation.error_values)) if reconciliation.error_values else None
