"""Tokens every service stops accepting before they expire, learnt from the access
service's events: a removed user, a user whose role or stores changed (they sign in again
for the new scope), a client whose Storefronts access was turned off. Each service keeps
this small read model in its own database (no call to the access service per request)."""

from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field, SQLModel
from storefront_events import StorefrontAccessGranted, UserRemoved, UserRoleChanged

from service_runtime.auth import Principal
from service_runtime.migrations import Migration, create_tables


class RevokedAccess(SQLModel, table=True):
    __tablename__ = "revoked_access"

    kind: str = Field(primary_key=True, max_length=10, description="user or client")
    subject_id: str = Field(primary_key=True, max_length=64)
    revoked_after: datetime = Field(description="Tokens issued at or before this moment are refused")
    reason: str = Field(max_length=40)


REVOCATION_MIGRATIONS = (Migration("runtime-0002-revoked-access", create_tables(RevokedAccess)),)
ACCESS_CHANGES = (UserRemoved, UserRoleChanged, StorefrontAccessGranted)


async def follow_access_change(event: UserRemoved | UserRoleChanged | StorefrontAccessGranted, *, uow) -> None:
    """Records which tokens stop working: a removed or re-scoped user's tokens issued until
    then; every token of a client whose access is off, until it is turned on again."""
    async with uow:
        if isinstance(event, StorefrontAccessGranted):
            if event.enabled:
                await uow.session.execute(delete(RevokedAccess).where(
                    RevokedAccess.kind == "client", RevokedAccess.subject_id == event.client_id))
            else:
                await uow.session.merge(RevokedAccess(kind="client", subject_id=event.client_id,
                                                      revoked_after=event.occurred_at, reason="access off"))
        else:
            reason = "removed" if isinstance(event, UserRemoved) else "role changed"
            await uow.session.merge(RevokedAccess(kind="user", subject_id=event.user_id,
                                                  revoked_after=event.occurred_at, reason=reason))
        await uow.commit()


class EventFedRevocations:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def is_revoked(self, principal: Principal) -> bool:
        async with self._sessions() as session:
            if principal.client_id and await session.get(RevokedAccess, ("client", principal.client_id)):
                return True
            user = await session.get(RevokedAccess, ("user", principal.subject))
        if user is None:
            return False
        if principal.issued_at is None:
            return True
        return principal.issued_at <= _aware(user.revoked_after)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite returns naive datetimes
