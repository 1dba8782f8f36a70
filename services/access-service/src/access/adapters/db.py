"""Repositories over the access tables, the unit of work and the migrations."""

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from access.adapters.tables import (
    InvitationRow,
    KnownClientRow,
    KnownStoreRow,
    RefreshTokenRow,
    SessionRow,
    SigningKeyRow,
    StorefrontAccessRow,
    UserRow,
    utc,
)
from access.domain import Invitation, KnownClient, KnownStore, StorefrontAccess, User
from access.domain.sessions import RefreshToken, Session
from service_runtime.migrations import Migrations
from service_runtime.unit_of_work import SqlUnitOfWork

MIGRATIONS = Migrations(
    Path(__file__).parents[1] / "migrations",
    tables=(
        KnownClientRow,
        KnownStoreRow,
        StorefrontAccessRow,
        UserRow,
        InvitationRow,
        SessionRow,
        RefreshTokenRow,
        SigningKeyRow,
    ),
)


class SqlKnownClients:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, client_id: str, *, for_update: bool = False) -> KnownClient | None:
        row = await self._session.get(KnownClientRow, client_id, with_for_update=for_update)
        return KnownClient(row.id, row.name, row.reference_id, row.archived, row.version) if row else None

    async def put(self, client: KnownClient) -> None:
        row = await self._session.get(KnownClientRow, client.id)
        if row is None:
            self._session.add(
                KnownClientRow(
                    id=client.id,
                    name=client.name,
                    reference_id=client.reference_id,
                    archived=client.archived,
                    version=client.version,
                )
            )
            return
        row.name, row.reference_id, row.archived, row.version = (
            client.name,
            client.reference_id,
            client.archived,
            client.version,
        )


def _store(row: KnownStoreRow) -> KnownStore:
    return KnownStore(row.id, row.client_id, row.name, row.connected, row.version)


class SqlKnownStores:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, store_id: str, *, for_update: bool = False) -> KnownStore | None:
        row = await self._session.get(KnownStoreRow, store_id, with_for_update=for_update)
        return _store(row) if row else None

    async def of_ids(self, store_ids: list[str]) -> dict[str, KnownStore]:
        if not store_ids:
            return {}
        query = select(KnownStoreRow).where(KnownStoreRow.id.in_(store_ids))  # type: ignore[attr-defined]
        return {row.id: _store(row) for row in (await self._session.execute(query)).scalars()}

    async def put(self, store: KnownStore) -> None:
        row = await self._session.get(KnownStoreRow, store.id)
        if row is None:
            row = KnownStoreRow(id=store.id, client_id=store.client_id, name=store.name, connected=store.connected)
            self._session.add(row)
        row.client_id, row.name, row.connected, row.version = (
            store.client_id,
            store.name,
            store.connected,
            store.version,
        )


class SqlStorefrontAccess:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, client_id: str, *, for_update: bool = False) -> StorefrontAccess | None:
        """`for_update` holds the row until commit (PostgreSQL), so two writers never
        publish the same version."""
        row = await self._session.get(StorefrontAccessRow, client_id, with_for_update=for_update)
        return StorefrontAccess(row.client_id, row.enabled, row.admin_user_id, row.locale, row.version) if row else None  # type: ignore[arg-type]

    async def lock(self, client_id: str) -> None:
        """Holds the client's access row until the unit of work ends, so changes to the client's
        users run one after the other (PostgreSQL: a row lock; SQLite: the database's write lock,
        which a no-op update takes). Reads after it see what the previous holder committed."""
        if self._session.bind.dialect.name == "postgresql":
            await self._session.execute(
                select(StorefrontAccessRow.client_id)
                .where(StorefrontAccessRow.client_id == client_id)
                .with_for_update()
            )
        else:
            await self._session.execute(
                update(StorefrontAccessRow)
                .where(StorefrontAccessRow.client_id == client_id)
                .values(enabled=StorefrontAccessRow.enabled)
            )

    async def put(self, access: StorefrontAccess) -> None:
        row = await self._session.get(StorefrontAccessRow, access.client_id)
        if row is None:
            row = StorefrontAccessRow(
                client_id=access.client_id, enabled=access.enabled, admin_user_id=access.admin_user_id
            )
            self._session.add(row)
        row.enabled, row.admin_user_id, row.locale = access.enabled, access.admin_user_id, access.locale
        row.version = access.version


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        client_id=row.client_id,
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        role=row.role,
        store_ids=tuple(json.loads(row.store_ids)),
        status=row.status,  # type: ignore[arg-type]
        password_hash=row.password_hash,
        version=row.version,
        locale=row.locale,
    )


class SqlUsers:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: str, *, for_update: bool = False) -> User | None:
        """`for_update` holds the row until commit (PostgreSQL), so two writers never
        publish the same version."""
        row = await self._session.get(UserRow, user_id, with_for_update=for_update)
        return _user(row) if row else None

    async def by_email(self, email: str) -> User | None:
        row = (await self._session.execute(select(UserRow).where(UserRow.email_key == email))).scalar_one_or_none()
        return _user(row) if row else None

    async def of_client(self, client_id: str) -> list[User]:
        query = (
            select(UserRow).where(UserRow.client_id == client_id, UserRow.status != "removed").order_by(UserRow.email)
        )
        return [_user(row) for row in (await self._session.execute(query)).scalars()]

    async def put(self, user: User) -> None:
        row = await self._session.get(UserRow, user.id)
        if row is None:
            row = UserRow(id=user.id, email=user.email, first_name="", last_name="", role=user.role, status=user.status)
            self._session.add(row)
        row.client_id, row.email, row.first_name, row.last_name = (
            user.client_id,
            user.email,
            user.first_name,
            user.last_name,
        )
        row.email_key = None if user.status == "removed" else user.email
        row.role, row.store_ids, row.status = user.role, json.dumps(list(user.store_ids)), user.status
        row.password_hash = user.password_hash
        row.version = user.version
        row.locale = user.locale


def _invitation(row: InvitationRow) -> Invitation:
    return Invitation(
        row.id,
        row.user_id,
        row.token_hash,
        utc(row.expires_at),
        utc(row.used_at),
        utc(row.revoked_at),
        created_at=utc(row.created_at),
        event_id=row.event_id,
        sent_at=utc(row.sent_at),
        failed_at=utc(row.failed_at),
        failure_reason=row.failure_reason,
    )


class SqlInvitations:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_token_hash(self, token_hash: str) -> Invitation | None:
        query = select(InvitationRow).where(InvitationRow.token_hash == token_hash)
        row = (await self._session.execute(query)).scalar_one_or_none()
        return _invitation(row) if row else None

    async def by_event(self, event_id: str) -> Invitation | None:
        query = select(InvitationRow).where(InvitationRow.event_id == event_id)
        row = (await self._session.execute(query)).scalars().first()
        return _invitation(row) if row else None

    async def latest_of(self, user_ids: list[str]) -> dict[str, Invitation]:
        """The newest invitation of each user (by when it was made)."""
        if not user_ids:
            return {}
        query = select(InvitationRow).where(InvitationRow.user_id.in_(user_ids))  # type: ignore[attr-defined]
        latest: dict[str, Invitation] = {}
        for row in (await self._session.execute(query)).scalars():
            invitation = _invitation(row)
            known = latest.get(invitation.user_id)
            if known is None or _made(invitation) > _made(known):
                latest[invitation.user_id] = invitation
        return latest

    async def revoke_pending(self, user_id: str, now: datetime) -> None:
        await self._session.execute(
            update(InvitationRow)
            .where(
                InvitationRow.user_id == user_id, InvitationRow.used_at.is_(None), InvitationRow.revoked_at.is_(None)
            )  # type: ignore[union-attr]
            .values(revoked_at=now)
        )

    async def use(self, invitation_id: str, now: datetime) -> bool:
        """Marks the invitation used; False when it was used or replaced meanwhile. One
        conditional update: of concurrent accepts, exactly one gets True."""
        result = await self._session.execute(
            update(InvitationRow)
            .where(
                InvitationRow.id == invitation_id, InvitationRow.used_at.is_(None), InvitationRow.revoked_at.is_(None)
            )  # type: ignore[union-attr]
            .values(used_at=now)
        )
        return result.rowcount == 1

    async def put(self, invitation: Invitation) -> None:
        row = await self._session.get(InvitationRow, invitation.id)
        if row is None:
            row = InvitationRow(
                id=invitation.id,
                user_id=invitation.user_id,
                token_hash=invitation.token_hash,
                expires_at=invitation.expires_at,
                created_at=invitation.created_at,
                event_id=invitation.event_id,
            )
            self._session.add(row)
        row.used_at, row.revoked_at = invitation.used_at, invitation.revoked_at
        row.sent_at, row.failed_at, row.failure_reason = (
            invitation.sent_at,
            invitation.failed_at,
            invitation.failure_reason,
        )


def _made(invitation: Invitation) -> datetime:
    return invitation.created_at or invitation.expires_at


class SqlSessions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, session_id: str) -> Session | None:
        row = await self._session.get(SessionRow, session_id)
        if row is None:
            return None
        return Session(row.id, row.user_id, utc(row.created_at), utc(row.expires_at), utc(row.revoked_at))

    def add(self, session: Session) -> None:
        self._session.add(
            SessionRow(
                id=session.id, user_id=session.user_id, created_at=session.created_at, expires_at=session.expires_at
            )
        )

    async def revoke(self, session_id: str, now: datetime) -> bool:
        """Ends the session; False when it had already ended."""
        result = await self._session.execute(
            update(SessionRow)
            .where(SessionRow.id == session_id, SessionRow.revoked_at.is_(None))  # type: ignore[union-attr]
            .values(revoked_at=now)
        )
        return result.rowcount == 1

    async def revoke_all_of(self, user_id: str, now: datetime) -> None:
        await self._session.execute(
            update(SessionRow)
            .where(SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None))  # type: ignore[union-attr]
            .values(revoked_at=now)
        )

    async def revoke_all_of_client(self, client_id: str, now: datetime) -> None:
        users = select(UserRow.id).where(UserRow.client_id == client_id)
        await self._session.execute(
            update(SessionRow)
            .where(SessionRow.user_id.in_(users), SessionRow.revoked_at.is_(None))  # type: ignore[union-attr]
            .values(revoked_at=now)
        )

    def add_refresh(self, token: RefreshToken) -> None:
        self._session.add(RefreshTokenRow(token_hash=token.token_hash, session_id=token.session_id))

    async def refresh_token(self, token_hash: str) -> RefreshToken | None:
        row = await self._session.get(RefreshTokenRow, token_hash)
        return RefreshToken(row.token_hash, row.session_id, utc(row.used_at)) if row else None

    async def use_refresh(self, token_hash: str, now: datetime) -> bool:
        """Marks the token used; False when another request used it first (a reuse)."""
        result = await self._session.execute(
            update(RefreshTokenRow)
            .where(RefreshTokenRow.token_hash == token_hash, RefreshTokenRow.used_at.is_(None))  # type: ignore[union-attr]
            .values(used_at=now)
        )
        return result.rowcount == 1


class AccessUnitOfWork(SqlUnitOfWork):
    def open_repositories(self, session: AsyncSession) -> None:
        self.clients = SqlKnownClients(session)
        self.stores = SqlKnownStores(session)
        self.access = SqlStorefrontAccess(session)
        self.users = SqlUsers(session)
        self.invitations = SqlInvitations(session)
        self.sessions = SqlSessions(session)
