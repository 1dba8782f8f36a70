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
from sqlmodel import Field, SQLModel, col

from service_runtime.auth import Principal
from service_runtime.unit_of_work import SqlUnitOfWork
from service_runtime.versions import newer_than_held
from storefront_events import SessionEnded, StorefrontAccessGranted, UserRemoved, UserRoleChanged

ENDED_SESSIONS_KEPT = timedelta(days=1)  # far longer than an access token lives (15 minutes)


class RevokedAccess(SQLModel, table=True):
    __tablename__ = "revoked_access"

    kind: str = Field(primary_key=True, max_length=10, description="user, client or session")
    subject_id: str = Field(primary_key=True, max_length=64)
    revoked_after: datetime | None = Field(
        default=None,
        nullable=True,
        description="Tokens issued at or before this moment are refused; None: none (a client's access is on)",
    )
    reason: str = Field(max_length=40)
    version: int | None = Field(
        default=None, nullable=True, description="aggregate_version of the last event applied (None before versions)"
    )


ACCESS_CHANGES = (UserRemoved, UserRoleChanged, StorefrontAccessGranted, SessionEnded)
AccessChange = UserRemoved | UserRoleChanged | StorefrontAccessGranted | SessionEnded


async def follow_access_change(event: AccessChange, *, uow: SqlUnitOfWork) -> None:
    """Records which tokens stop working: a removed or re-scoped user's tokens issued until
    then; a client's tokens issued until its access was last turned off (turning it on again
    revives none of them); every token of an ended session. An event not newer than the
    version held for its user or client (a replay, a late retry) changes nothing: an old
    grant never gives a disabled client its tokens back, an old role change never
    un-revokes a removed user."""
    async with uow:
        if isinstance(event, SessionEnded):
            await uow.session.execute(
                delete(RevokedAccess).where(
                    col(RevokedAccess.kind) == "session",
                    col(RevokedAccess.revoked_after) < event.occurred_at - ENDED_SESSIONS_KEPT,
                )
            )
            await uow.session.merge(
                RevokedAccess(
                    kind="session", subject_id=event.session_id, revoked_after=event.occurred_at, reason=event.reason
                )
            )
            await uow.commit()
            return
        if isinstance(event, StorefrontAccessGranted):
            kind, subject_id = "client", event.client_id
            revoked_after, reason = (None, "access on") if event.enabled else (event.occurred_at, "access off")
        else:
            kind, subject_id = "user", event.user_id
            revoked_after, reason = event.occurred_at, "removed" if isinstance(event, UserRemoved) else "role changed"
        held = await uow.session.get(RevokedAccess, (kind, subject_id), with_for_update=True)
        if held is None:
            uow.session.add(
                RevokedAccess(
                    kind=kind,
                    subject_id=subject_id,
                    revoked_after=revoked_after,
                    reason=reason,
                    version=event.aggregate_version,
                )
            )
        elif newer_than_held(event, held.version, read_model="revocations", aggregate_id=f"{kind}:{subject_id}"):
            if revoked_after is not None or kind == "user":
                held.revoked_after = revoked_after
            # turning access on keeps the "not before" that "off" put: no earlier token comes back
            held.reason, held.version = reason, event.aggregate_version
        await uow.commit()


class EventFedRevocations:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def is_revoked(self, principal: Principal) -> bool:
        async with self._sessions() as session:
            if principal.session_id:
                ended = await session.get(RevokedAccess, ("session", principal.session_id))
                if ended is not None:
                    return True
            client = await session.get(RevokedAccess, ("client", principal.client_id)) if principal.client_id else None
            user = await session.get(RevokedAccess, ("user", principal.subject))
        if client is not None and (client.reason == "access off" or _issued_until(principal, client)):
            return True
        return user is not None and _issued_until(principal, user)


def _issued_until(principal: Principal, revoked: RevokedAccess) -> bool:
    if revoked.revoked_after is None:
        return False
    return principal.issued_at is None or principal.issued_at <= _aware(revoked.revoked_after)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite returns naive datetimes
