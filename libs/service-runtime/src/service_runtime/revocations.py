"""Tokens every service stops accepting before they expire, learnt from the access
service's events: a removed user, a user whose role or stores changed (they sign in again
for the new scope), a client whose Storefronts access was turned off, a session that ended
(sign-out, or a leaked refresh token). Each service keeps this small read model in its own
database (no call to the access service per request).

Turning access off ends every session of the client for good: the client keeps a "not
before" time, so tokens issued before "off" stay refused after access is on again."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field, SQLModel
from storefront_events import SessionEnded, StorefrontAccessGranted, UserRemoved, UserRoleChanged

from service_runtime.auth import Principal
from service_runtime.migrations import Migration, create_tables

ENDED_SESSIONS_KEPT = timedelta(days=1)  # far longer than an access token lives (15 minutes)


class RevokedAccess(SQLModel, table=True):
    __tablename__ = "revoked_access"

    kind: str = Field(primary_key=True, max_length=10, description="user, client or session")
    subject_id: str = Field(primary_key=True, max_length=64)
    revoked_after: datetime = Field(description="Tokens issued at or before this moment are refused")
    reason: str = Field(max_length=40)


REVOCATION_MIGRATIONS = (Migration("runtime-0002-revoked-access", create_tables(RevokedAccess)),)
ACCESS_CHANGES = (UserRemoved, UserRoleChanged, StorefrontAccessGranted, SessionEnded)
AccessChange = UserRemoved | UserRoleChanged | StorefrontAccessGranted | SessionEnded


async def follow_access_change(event: AccessChange, *, uow) -> None:
    """Records which tokens stop working: a removed or re-scoped user's tokens issued until
    then; a client's tokens issued until its access was last turned off (turning it on again
    revives none of them); every token of an ended session."""
    async with uow:
        if isinstance(event, StorefrontAccessGranted):
            if event.enabled:
                if (turned_off := await uow.session.get(RevokedAccess, ("client", event.client_id))) is not None:
                    turned_off.reason = "access on"  # its "not before" stays where "off" put it
            else:
                await uow.session.merge(RevokedAccess(kind="client", subject_id=event.client_id,
                                                      revoked_after=event.occurred_at, reason="access off"))
        elif isinstance(event, SessionEnded):
            await uow.session.execute(delete(RevokedAccess).where(
                RevokedAccess.kind == "session", RevokedAccess.revoked_after < event.occurred_at - ENDED_SESSIONS_KEPT))
            await uow.session.merge(RevokedAccess(kind="session", subject_id=event.session_id,
                                                  revoked_after=event.occurred_at, reason=event.reason))
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
            if principal.session_id and await session.get(RevokedAccess, ("session", principal.session_id)):
                return True
            client = await session.get(RevokedAccess, ("client", principal.client_id)) if principal.client_id else None
            user = await session.get(RevokedAccess, ("user", principal.subject))
        if client is not None and (client.reason == "access off" or _issued_until(principal, client)):
            return True
        return user is not None and _issued_until(principal, user)


def _issued_until(principal: Principal, revoked: RevokedAccess) -> bool:
    return principal.issued_at is None or principal.issued_at <= _aware(revoked.revoked_after)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite returns naive datetimes
