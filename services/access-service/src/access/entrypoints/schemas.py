"""What the access API accepts and returns."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from access.domain import User
from access.handlers.auth import Tokens
from access.handlers.storefront_access import AccessView

ClientRole = Literal["admin", "store_manager", "order_manager", "read_only"]


class StorefrontAccessUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"enabled": True, "admin_email": "ada@acme.example", "admin_first_name": "Ada", "admin_last_name": "Lovelace"}]})

    enabled: bool
    admin_email: str | None = Field(default=None, max_length=320, description="Required to turn access on; the admin's login")
    admin_first_name: str | None = Field(default=None, max_length=200)
    admin_last_name: str | None = Field(default=None, max_length=200)
    locale: Literal["en", "fr"] | None = Field(default=None, description="Language of the emails; default en")


class UserPublic(BaseModel):
    id: str
    client_id: str | None
    email: str
    first_name: str
    last_name: str
    role: str
    store_ids: list[str]
    status: str = Field(description="invitation_sent, active or removed")

    @classmethod
    def of(cls, user: User) -> "UserPublic":
        return cls(id=user.id, client_id=user.client_id, email=user.email, first_name=user.first_name,
                   last_name=user.last_name, role=user.role, store_ids=list(user.store_ids), status=user.status)


class StorefrontAccessPublic(BaseModel):
    client_id: str
    client_name: str
    enabled: bool
    locale: str
    admin: UserPublic | None

    @classmethod
    def of(cls, view: AccessView) -> "StorefrontAccessPublic":
        return cls(client_id=view.client.id, client_name=view.client.name,
                   enabled=bool(view.access and view.access.enabled),
                   locale=view.access.locale if view.access else "en",
                   admin=UserPublic.of(view.admin) if view.admin else None)


class InvitationAcceptance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=200)
    password: str = Field(max_length=1000)


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
    first_name: str = Field(max_length=200)
    last_name: str = Field(max_length=200)
    role: ClientRole
    store_ids: list[str] = Field(default=[], max_length=200, description="Store managers only: the stores they manage")


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: ClientRole | None = None
    store_ids: list[str] | None = Field(default=None, max_length=200)


class UserList(BaseModel):
    items: list[UserPublic]
