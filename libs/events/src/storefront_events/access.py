"""Events published by access-service on `access.v1` (key: client_id; the user id for an
operator's SessionEnded, which has no client).

Every service reads this topic (token revocations) and copies what it cannot apply into its
dead-letter topics, so nothing on it is a secret: the single-use invitation link travels
encrypted for the notifier alone (`UserInvited.sealed_accept_url`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from storefront_events.base import Event
from storefront_events.values import Role, UtcDatetime


class StorefrontAccessGranted(Event):
    """Emitted by access-service when an operator turns a client's Storefronts access on
    (`enabled=True`, with the client admin's identity) or off (`enabled=False`)."""

    event_type: Literal["storefront_access.granted"] = "storefront_access.granted"
    schema_version: Literal[1] = 1
    client_id: str
    enabled: bool = Field(description="True when access was turned on, False when turned off")
    admin_user_id: str = Field(description="Id of the client's admin user")
    admin_email: str = Field(description="Admin's email, also the login name")
    admin_first_name: str
    admin_last_name: str


class UserInvited(Event):
    """Emitted by access-service when a user is invited (the client admin on access grant, or a
    user added by the admin) and when an invitation is resent; the notifier decrypts
    `sealed_accept_url` and mails the link."""

    event_type: Literal["user.invited"] = "user.invited"
    schema_version: Literal[1] = 1
    client_id: str
    client_name: str = Field(description="Client's name, for the invitation text")
    user_id: str
    email: str
    first_name: str
    last_name: str
    role: Role
    store_ids: list[str] = Field(default=[], description="Stores a store_manager may manage; empty = all")
    invitation_id: str
    accept_url: str = Field(
        default="",
        description="Deprecated, left empty: the link is a credential and travels only in sealed_accept_url. "
        "Readers fall back to it for events published before sealed_accept_url existed",
    )
    expires_at: UtcDatetime = Field(description="When the invitation link stops working")
    locale: str = Field(default="en", description="Language of the invitation email (BCP 47)")
    resend: bool = Field(default=False, description="True when this re-sends an earlier invitation")
    sealed_accept_url: str | None = Field(
        default=None,
        description="The accept link (single-use token in its #fragment), a Fernet token encrypted with "
        "STOREFRONTS_INVITATION_KEYS, which only the access service and the notifier hold",
    )


class InvitationAccepted(Event):
    """Emitted by access-service when an invited user accepts the invitation and sets a password."""

    event_type: Literal["invitation.accepted"] = "invitation.accepted"
    schema_version: Literal[1] = 1
    client_id: str
    user_id: str
    email: str


class UserRoleChanged(Event):
    """Emitted by access-service when the client admin changes a user's role or store scope."""

    event_type: Literal["user.role_changed"] = "user.role_changed"
    schema_version: Literal[1] = 1
    client_id: str
    user_id: str
    email: str
    role: Role
    store_ids: list[str] = Field(default=[], description="Stores a store_manager may manage; empty = all")


class UserRemoved(Event):
    """Emitted by access-service when the client admin removes a user from the client account."""

    event_type: Literal["user.removed"] = "user.removed"
    schema_version: Literal[1] = 1
    client_id: str
    user_id: str
    email: str


class SessionEnded(Event):
    """Emitted by access-service when a session ends before its tokens expire: the user signed
    out, or a used refresh token was presented again (it leaked). Every service refuses the
    session's access tokens from then on."""

    event_type: Literal["session.ended"] = "session.ended"
    schema_version: Literal[1] = 1
    client_id: str | None = Field(default=None, description="The user's client; None for an operator")
    user_id: str
    session_id: str = Field(description="The `sid` claim of the session's access tokens")
    reason: Literal["logout", "refresh_token_reused"]
