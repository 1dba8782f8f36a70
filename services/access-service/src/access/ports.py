from datetime import datetime
from typing import Protocol

from access.domain import User


class Clock(Protocol):
    def now(self) -> datetime: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str | None, password: str) -> bool:
        """False for a wrong password; with no hash, still spends the time of a check."""
        ...


class TokenIssuer(Protocol):
    async def issue(self, user: User, *, session_id: str) -> tuple[str, int]:
        """A signed access token for the user's session and its lifetime in seconds."""
        ...


class LinkSeal(Protocol):
    def __call__(self, link: str) -> str:
        """The invitation link encrypted for the notifier alone (STOREFRONTS_INVITATION_KEYS)."""
        ...


class LoginLimiter(Protocol):
    async def retry_after(self, *, account: str, source: str) -> int:
        """Seconds until the next attempt is allowed; 0 when allowed now."""
        ...
    async def failed(self, *, account: str, source: str) -> None: ...
    async def succeeded(self, *, account: str) -> None: ...
