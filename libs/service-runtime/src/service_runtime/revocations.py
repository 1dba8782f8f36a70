"""Tokens every service stops accepting before they expire, learnt from the access
service's events: a removed user, a user whose role or stores changed (they sign in again
for the new scope), a client whose Storefronts access was turned off. Each service keeps
this small read model in its own database (no call to the access service per request)."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field, SQLModel
from storefront_events import StorefrontAccessGranted, UserRemoved, UserRoleChanged

from service_runtime.auth import Principal
from service_runtime.versions import newer_than_held


class RevokedAccess(SQLModel, table=True):
    __tablename__ = "revoked_access"

    kind: str = Field(primary_key=True, max_length=10, description="user or client")
    subject_id: str = Field(primary_key=True, max_length=64)
    revoked_after: datetime | None = Field(
        default=None, nullable=True,
        description="Tokens issued at or before this moment are refused; None: none (a client's access is on)")
    reason: str = Field(max_length=40)
    version: int | None = Field(default=None, nullable=True,
                                description="aggregate_version of the last event applied (None before versions)")


ACCESS_CHANGES = (UserRemoved, UserRoleChanged, StorefrontAccessGranted)


async def follow_access_change(event: UserRemoved | UserRoleChanged | StorefrontAccessGranted, *, uow) -> None:
    """Records which tokens stop working: a removed or re-scoped user's tokens issued until
    then; every token of a client whose access is off, until it is turned on again. An event
    not newer than the version held for its user or client (a replay, a late retry) changes
    nothing: an old grant never gives a disabled client its tokens back, an old role change
    never un-revokes a removed user."""
    async with uow:
        if isinstance(event, StorefrontAccessGranted):
            kind, subject_id = "client", event.client_id
            revoked_after, reason = (None, "access on") if event.enabled else (event.occurred_at, "access off")
        else:
            kind, subject_id = "user", event.user_id
            revoked_after, reason = event.occurred_at, "removed" if isinstance(event, UserRemoved) else "role changed"
        held = await uow.session.get(RevokedAccess, (kind, subject_id), with_for_update=True)
        if held is None:
            uow.session.add(RevokedAccess(kind=kind, subject_id=subject_id, revoked_after=revoked_after, reason=reason,
                                          version=event.aggregate_version))
        elif newer_than_held(event, held.version, read_model="revocations", aggregate_id=f"{kind}:{subject_id}"):
            held.revoked_after, held.reason, held.version = revoked_after, reason, event.aggregate_version
        await uow.commit()


class EventFedRevocations:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def is_revoked(self, principal: Principal) -> bool:
        async with self._sessions() as session:
            if principal.client_id:
                client = await session.get(RevokedAccess, ("client", principal.client_id))
                if client is not None and client.revoked_after is not None:
                    return True
            user = await session.get(RevokedAccess, ("user", principal.subject))
        if user is None or user.revoked_after is None:
            return False
        if principal.issued_at is None:
            return True
        return principal.issued_at <= _aware(user.revoked_after)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite returns naive datetimes
