"""Login sessions: one per login, carried by a chain of single-use refresh tokens."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Session:
    id: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def alive(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True)
class RefreshToken:
    token_hash: str
    session_id: str
    used_at: datetime | None = None
