"""The store repository, the unit of work and the schema migrations of the connector."""

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from connector.adapters.intake_db import SqlIntakeRepository, SqlKnownClients, SqlPresseroRepository
from connector.adapters.intake_tables import INTAKE_TABLES
from connector.adapters.tables import (
    OAuthStateRow,
    StoreRow,
    SyncedProductRow,
    SyncJobRow,
    WebhookDeliveryRow,
    utc,
)
from connector.domain.stores import Platform, Store
from service_runtime.migrations import Migrations
from service_runtime.unit_of_work import SqlUnitOfWork

MIGRATIONS = Migrations(
    Path(__file__).parents[1] / "migrations",
    tables=(StoreRow, OAuthStateRow, WebhookDeliveryRow, SyncJobRow, SyncedProductRow, *INTAKE_TABLES),
)


def to_store(row: StoreRow) -> Store:
    return Store(
        id=row.id,
        client_id=row.client_id,
        platform=row.platform,  # type: ignore[arg-type]
        name=row.name,
        status=row.status,  # type: ignore[arg-type]
        test_mode=row.test_mode,
        created_at=utc(row.created_at) or row.created_at,
        updated_at=utc(row.updated_at) or row.updated_at,
        shop_url=row.shop_url,
        platform_shop_id=row.platform_shop_id,
        currency=row.currency,
        status_reason=row.status_reason,
        version=row.version,
    )


def _fill(row: StoreRow, store: Store) -> StoreRow:
    row.name = store.name
    row.status = store.status
    row.status_reason = store.status_reason
    row.test_mode = store.test_mode
    row.shop_url = store.shop_url
    row.platform_shop_id = store.platform_shop_id
    row.currency = store.currency
    row.updated_at = store.updated_at
    row.version = store.version
    return row


class SqlStoreRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, store_id: str, *, for_update: bool = False) -> Store | None:
        row = await self._session.get(StoreRow, store_id, with_for_update=for_update)
        return to_store(row) if row else None

    def add(self, store: Store) -> None:
        row = StoreRow(
            id=store.id,
            client_id=store.client_id,
            platform=store.platform,
            name=store.name,
            status=store.status,
            created_at=store.created_at,
            updated_at=store.updated_at,
        )
        self._session.add(_fill(row, store))

    async def save(self, store: Store) -> None:
        row = await self._session.get(StoreRow, store.id)
        if row is None:
            raise LookupError(store.id)
        _fill(row, store)

    async def listed(
        self, *, client_id: str | None, store_ids: Sequence[str] | None, after: str | None, limit: int
    ) -> list[Store]:
        query = select(StoreRow)
        if client_id is not None:
            query = query.where(StoreRow.client_id == client_id)
        if store_ids is not None:
            query = query.where(col(StoreRow.id).in_(list(store_ids)))
        if after:
            query = query.where(StoreRow.id > after)
        query = query.order_by(col(StoreRow.id)).limit(limit)
        return [to_store(row) for row in (await self._session.execute(query)).scalars()]

    async def of_shop(self, platform: Platform, shop_url: str) -> list[Store]:
        query = select(StoreRow).where(StoreRow.platform == platform, StoreRow.shop_url == shop_url)
        return [to_store(row) for row in (await self._session.execute(query)).scalars()]

    async def sealed_credentials(self, store_id: str) -> str | None:
        row = await self._session.get(StoreRow, store_id)
        return row.sealed_credentials if row else None

    async def keep_credentials(self, store_id: str, sealed: str | None) -> None:
        row = await self._session.get(StoreRow, store_id)
        if row is None:
            raise LookupError(store_id)
        row.sealed_credentials = sealed


class ConnectorUnitOfWork(SqlUnitOfWork):
    def open_repositories(self, session: AsyncSession) -> None:
        self.stores = SqlStoreRepository(session)
        self.intake = SqlIntakeRepository(session)
        self.pressero = SqlPresseroRepository(session)
        self.clients = SqlKnownClients(session)
