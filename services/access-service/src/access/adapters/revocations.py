"""Which verified tokens this service still refuses: the runtime's ``current_principal``
asks ``app.state.revocations.is_revoked`` after checking the signature."""

import json

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from access.adapters.tables import SessionRow, StorefrontAccessRow, UserRow
from service_runtime.auth import Principal


class DbRevocations:
    """A token is refused when its session ended, its user was removed or changed role or
    stores (sign in again for the new scope), or its client's access is off."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def is_revoked(self, principal: Principal) -> bool:
        async with self._sessions() as db:
            if principal.session_id:
                session = await db.get(SessionRow, principal.session_id)
                if session is None or session.revoked_at is not None or session.user_id != principal.subject:
                    return True
            user = await db.get(UserRow, principal.subject)
            if user is None and principal.session_id:
                return True
            if user is not None and (
                user.status != "active"
                or user.role != principal.role
                or tuple(json.loads(user.store_ids)) != principal.store_ids
            ):
                return True
            if principal.client_id:
                access = await db.get(StorefrontAccessRow, principal.client_id)
                if access is None or not access.enabled:
                    return True
        return False
