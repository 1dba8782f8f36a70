"""The record of each publish request answered (``publishing_ports.Publications``): its id is
the idempotency key of the product created in the shop."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col, select

from connector.adapters.tables import utc
from connector.domain.publishing import Publication


class PublicationRow(SQLModel, table=True):
    __tablename__ = "product_publications"

    publish_request_id: str = Field(primary_key=True, max_length=64)
    store_id: str = Field(max_length=36, index=True)
    status: str = Field(max_length=20, description="creating, published, failed")
    platform_product_id: str | None = Field(default=None, max_length=100)
    reason: str | None = Field(default=None, max_length=64, description="Message key of a failure")
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class SqlPublications:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, publication: Publication) -> Publication:
        dialect = self._session.get_bind().dialect.name
        insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await self._session.execute(
            insert(PublicationRow)
            .values(
                publish_request_id=publication.publish_request_id,
                store_id=publication.store_id,
                status=publication.status,
                created_at=publication.created_at,
                updated_at=publication.updated_at,
            )
            .on_conflict_do_nothing(index_elements=["publish_request_id"])
        )
        query = (
            select(PublicationRow)
            .where(col(PublicationRow.publish_request_id) == publication.publish_request_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        row = (await self._session.execute(query)).scalars().one()
        return _publication(row)

    async def save(self, publication: Publication) -> None:
        row = await self._session.get(PublicationRow, publication.publish_request_id)
        if row is None:
            row = PublicationRow(
                publish_request_id=publication.publish_request_id,
                store_id=publication.store_id,
                status=publication.status,
                created_at=publication.created_at,
                updated_at=publication.updated_at,
            )
            self._session.add(row)
        row.status = publication.status
        row.platform_product_id = publication.platform_product_id
        row.reason, row.detail = publication.reason, publication.detail
        row.updated_at = publication.updated_at


def _publication(row: PublicationRow) -> Publication:
    return Publication(
        publish_request_id=row.publish_request_id,
        store_id=row.store_id,
        status=row.status,  # type: ignore[arg-type]
        created_at=utc(row.created_at) or row.created_at,
        updated_at=utc(row.updated_at) or row.updated_at,
        platform_product_id=row.platform_product_id,
        reason=row.reason,
        detail=row.detail,
    )
