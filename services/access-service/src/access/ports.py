from datetime import datetime
from typing import Protocol

from access.domain import User


class Clock(Protocol):
    def now(self) -> datetime: ...


class PasswordHasher(Protocol):
    """Hashing takes a core for a while: implementations bound how many run at once and
    raise ``HashingBusy`` rather than queue without end."""

    async def hash_password(self, password: str) -> str: ...
    async def verify_password(self, password_hash: str | None, password: str) -> bool:
        """False for a wrong password; with no hash, still spends the time of a check."""
        ...
    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than today's."""
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
    async def attempt(self, *, account: str, source: str) -> int:
        """Counts a sign-in attempt before its password is checked: 0 when it may go on, else
        the seconds to wait (that attempt is not counted)."""
        ...
    async def succeeded(self, *, account: str, source: str) -> None: ...
    async def clear(self, *, account: str) -> int:
        """Forgets the account's attempts (the operator's command); how many counters it dropped."""
        ...
