"""Single-use invitation links: only the token's SHA-256 is stored. Each link also follows
its email: sent once the notifier handed it to the mail server, or delivery failed."""

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from access.domain.errors import InvalidInvitation

INVITATION_DAYS = 7

LinkState = Literal["usable", "used", "replaced", "expired", "removed"]
InvitationStatus = Literal["pending", "sent", "delivery_failed", "active", "removed"]


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
    created_at: datetime | None = None
    event_id: str | None = None  # the UserInvited that asked the notifier for the email
    sent_at: datetime | None = None
    failed_at: datetime | None = None
    failure_reason: str | None = None

    @property
    def pending(self) -> bool:
        return self.used_at is None and self.revoked_at is None

    def state(self, now: datetime, *, user_removed: bool = False) -> LinkState:
        if user_removed:
            return "removed"
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "replaced"
        if now >= self.expires_at:
            return "expired"
        return "usable"

    def check_usable(self, now: datetime, *, user_removed: bool = False) -> None:
        state = self.state(now, user_removed=user_removed)
        if state == "removed":
            raise InvalidInvitation("invitation_user_removed", extra={"state": state})
        if state != "usable":
            raise InvalidInvitation(f"invitation_{state}", extra={"state": state})

    def used(self, now: datetime) -> "Invitation":
        return replace(self, used_at=now)

    def revoked(self, now: datetime) -> "Invitation":
        return replace(self, revoked_at=now)

    def delivered(self, now: datetime) -> "Invitation":
        return replace(self, sent_at=self.sent_at or now)

    def undeliverable(self, reason: str, now: datetime) -> "Invitation":
        return replace(self, failed_at=self.failed_at or now, failure_reason=reason[:1000])


def new_invitation(
    invitation_id: str, user_id: str, *, now: datetime, days: int = INVITATION_DAYS
) -> tuple[Invitation, str]:
    """The invitation and its clear token (sent once in the email, never stored)."""
    token = new_token()
    return Invitation(invitation_id, user_id, hash_token(token), now + timedelta(days=days), created_at=now), token


def invitation_status(user_status: str, latest: Invitation | None) -> InvitationStatus:
    """Where a user's invitation stands, as the operator's guide words it: pending (the email
    is not yet with the mail server), sent ("Invitation envoyée": the email was delivered),
    delivery_failed (the server refused it for good), then active once accepted."""
    if user_status in ("active", "removed"):
        return user_status  # type: ignore[return-value]
    if latest is None:
        return "pending"
    if latest.failed_at is not None and latest.sent_at is None:
        return "delivery_failed"
    if latest.sent_at is not None:
        return "sent"
    return "pending"
