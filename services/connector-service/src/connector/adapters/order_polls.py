"""Where each store's order polling stands (its high-water mark), kept so a restart neither
takes an order twice nor misses one."""

from datetime import datetime

from sqlalchemy import Column, DateTime, Text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from connector.adapters.tables import utc
from connector.domain.order_polls import OrderPoll


class OrderPollRow(SQLModel, table=True):
    __tablename__ = "order_polls"

    store_id: str = Field(primary_key=True, max_length=36)
    high_water_mark: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False), description="Newest order creation time seen"
    )
    last_run_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    last_taken: int = Field(default=0, description="Orders new at the last run")
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SqlOrderPolls:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, store_id: str, *, for_update: bool = False) -> OrderPoll | None:
        row = await self._session.get(OrderPollRow, store_id, with_for_update=for_update)
        if row is None:
            return None
        return OrderPoll(
            store_id=row.store_id,
            high_water_mark=utc(row.high_water_mark) or row.high_water_mark,
            last_run_at=utc(row.last_run_at),
            last_taken=row.last_taken,
            last_error=row.last_error,
        )

    async def put(self, poll: OrderPoll) -> None:
        row = await self._session.get(OrderPollRow, poll.store_id)
        if row is None:
            row = OrderPollRow(store_id=poll.store_id, high_water_mark=poll.high_water_mark)
            self._session.add(row)
        row.high_water_mark, row.last_run_at = poll.high_water_mark, poll.last_run_at
        row.last_taken, row.last_error = poll.last_taken, poll.last_error
