"""Single-use invitation links: only the token's SHA-256 is stored."""

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from access.domain.errors import InvalidInvitation

INVITATION_DAYS = 7


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Invitation:
    id: str
    user_id: str
    token_hash: str
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.used_at is None and self.revoked_at is None

    def check_usable(self, now: datetime) -> None:
        if self.used_at is not None:
            raise InvalidInvitation("This invitation link has already been used: sign in instead.")
        if self.revoked_at is not None:
            raise InvalidInvitation("This invitation link was replaced by a newer one: use the latest email.")
        if now >= self.expires_at:
            raise InvalidInvitation("This invitation link has expired: ask for a new invitation.")

    def used(self, now: datetime) -> "Invitation":
        return replace(self, used_at=now)

    def revoked(self, now: datetime) -> "Invitation":
        return replace(self, revoked_at=now)


def new_invitation(invitation_id: str, user_id: str, *, now: datetime, days: int = INVITATION_DAYS) -> tuple[Invitation, str]:
    """The invitation and its clear token (sent once in the email, never stored)."""
    token = new_token()
    return Invitation(invitation_id, user_id, hash_token(token), now + timedelta(days=days)), token
