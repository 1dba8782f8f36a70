"""What the access API accepts and returns."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from access.domain import Invitation, User
from access.domain.invitations import invitation_status
from access.domain.passwords import PASSWORD_MAX, password_rules
from access.domain.users import NAME_MAX
from access.handlers.auth import Tokens
from access.handlers.invitations import InvitationView
from access.handlers.storefront_access import AccessView

ClientRole = Literal["admin", "store_manager", "order_manager", "read_only"]


class StorefrontAccessUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "enabled": True,
                    "admin_email": "ada@acme.example",
                    "admin_first_name": "Ada",
                    "admin_last_name": "Lovelace",
                }
            ]
        },
    )

    enabled: bool
    admin_email: str | None = Field(
        default=None, max_length=320, description="Required to turn access on; the admin's login"
    )
    admin_first_name: str | None = Field(default=None, max_length=NAME_MAX)
    admin_last_name: str | None = Field(default=None, max_length=NAME_MAX)
    locale: str | None = Field(
        default=None,
        max_length=16,
        description="Language of the emails, pages and messages: en or fr (fr-FR is fr); default en",
    )


class AdminUpdate(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"email": "ada@acme.example"}, {"locale": "fr"}]}
    )

    email: str | None = Field(
        default=None,
        max_length=320,
        description="A pending admin's corrected address: the old link stops, a new one is sent",
    )
    first_name: str | None = Field(default=None, max_length=NAME_MAX)
    last_name: str | None = Field(default=None, max_length=NAME_MAX)
    locale: str | None = Field(default=None, max_length=16, description="en or fr: the client's and admin's language")


class AdminHandOver(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(min_length=1, max_length=64, description="An active user of the client")
    previous_admin_role: Literal["order_manager", "read_only"] | None = Field(
        default=None, description="The previous admin's new role; none: they stay an admin"
    )


class UserPublic(BaseModel):
    id: str
    client_id: str | None
    email: str
    first_name: str
    last_name: str
    role: str
    store_ids: list[str]
    status: str = Field(description="invitation_sent, active or removed")
    locale: str | None = Field(default=None, description="The user's own language; none: the client's")
    invitation_status: str | None = Field(
        default=None,
        description="pending (email not yet with the mail server), sent (delivered to the mail server: "
        "'Invitation envoyée'), delivery_failed (refused for good, see delivery_error), "
        "active, removed",
    )
    invited_at: datetime | None = Field(default=None, description="When the latest invitation was made")
    sent_at: datetime | None = Field(default=None, description="When its email reached the mail server")
    delivery_failed_at: datetime | None = None
    delivery_error: str | None = Field(default=None, description="The mail server's answer when delivery failed")
    activated_at: datetime | None = Field(default=None, description="When the invitation was accepted")

    @classmethod
    def of(cls, user: User, invitation: Invitation | None = None) -> "UserPublic":
        public = cls(
            id=user.id,
            client_id=user.client_id,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            role=user.role,
            store_ids=list(user.store_ids),
            status=user.status,
            locale=user.locale,
        )
        if user.client_id is None:
            return public
        public.invitation_status = invitation_status(user.status, invitation)
        if invitation is not None:
            public.invited_at, public.sent_at = invitation.created_at, invitation.sent_at
            public.delivery_failed_at, public.delivery_error = invitation.failed_at, invitation.failure_reason
            public.activated_at = invitation.used_at
        return public


class StorefrontAccessPublic(BaseModel):
    client_id: str
    client_name: str
    enabled: bool
    locale: str
    admin: UserPublic | None

    @classmethod
    def of(cls, view: AccessView) -> "StorefrontAccessPublic":
        return cls(
            client_id=view.client.id,
            client_name=view.client.name,
            enabled=bool(view.access and view.access.enabled),
            locale=view.access.locale if view.access else "en",
            admin=UserPublic.of(view.admin, view.admin_invitation) if view.admin else None,
        )


class InvitationAcceptance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=200)
    password: str = Field(max_length=PASSWORD_MAX)


class InvitationToken(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=200)


class PasswordRules(BaseModel):
    min_length: int
    max_length: int
    no_single_repeated_character: bool
    no_email_or_email_name: bool = Field(
        description="Neither the email address nor its part before the @ "
        "(when that part has at least email_name_min_length characters)"
    )
    email_name_min_length: int


class InvitationInspection(BaseModel):
    state: Literal["usable", "used", "replaced", "expired", "removed"]
    message: str | None = Field(description="Why the link cannot be used, in the person's language")
    email: str | None = Field(description="The account the link activates")
    first_name: str | None
    client_name: str | None = Field(description="The company the account belongs to")
    locale: str = Field(description="The language to speak to this person")
    expires_at: datetime
    password_rules: PasswordRules

    @classmethod
    def of(cls, view: InvitationView, *, locale: str, message: str | None) -> "InvitationInspection":
        user = view.user
        return cls(
            state=view.state,
            message=message,
            email=user.email if user else None,
            first_name=user.first_name if user else None,
            client_name=view.client.name if view.client else None,
            locale=locale,
            expires_at=view.invitation.expires_at,
            password_rules=PasswordRules(**password_rules()),
        )


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=200)


class TokenPair(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds the access token is valid")
    refresh_token: str = Field(description="Single use: exchange at /auth/refresh for a new pair")

    @classmethod
    def of(cls, tokens: Tokens) -> "TokenPair":
        return cls(access_token=tokens.access_token, expires_in=tokens.expires_in, refresh_token=tokens.refresh_token)


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=320)
    first_name: str = Field(max_length=NAME_MAX)
    last_name: str = Field(max_length=NAME_MAX)
    role: ClientRole
    store_ids: list[str] = Field(default=[], max_length=200, description="Store managers only: the stores they manage")
    locale: str | None = Field(default=None, max_length=16, description="en or fr; none: the client's language")


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: ClientRole | None = None
    store_ids: list[str] | None = Field(default=None, max_length=200)
    locale: str | None = Field(default=None, max_length=16, description="en or fr")


class UserList(BaseModel):
    items: list[UserPublic]
