"""Access tables. Domain objects stay plain; adapters/db.py maps them."""

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, SQLModel


def _at(**kwargs):
    return Field(sa_column=Column(DateTime(timezone=True), **kwargs))


def utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class KnownClientRow(SQLModel, table=True):
    __tablename__ = "known_clients"

    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=200)
    reference_id: str | None = Field(default=None, max_length=64)
    archived: bool = False
    version: int | None = Field(
        default=None,
        nullable=True,
        description="aggregate_version of the last client event applied (None before versions)",
    )


class KnownStoreRow(SQLModel, table=True):
    __tablename__ = "known_stores"

    id: str = Field(primary_key=True, max_length=64)
    client_id: str = Field(max_length=36, index=True)
    name: str = Field(max_length=200)
    connected: bool
    version: int | None = Field(
        default=None,
        nullable=True,
        description="aggregate_version of the last store event applied (None before versions)",
    )


class StorefrontAccessRow(SQLModel, table=True):
    __tablename__ = "storefront_access"

    client_id: str = Field(primary_key=True, max_length=36)
    enabled: bool
    admin_user_id: str = Field(max_length=36)
    locale: str = Field(default="en", max_length=8)
    version: int = Field(default=1, description="Raised by one with each change; StorefrontAccessGranted carries it")


class UserRow(SQLModel, table=True):
    __tablename__ = "users"

    id: str = Field(primary_key=True, max_length=36)
    client_id: str | None = Field(default=None, max_length=36, index=True)
    email: str = Field(max_length=320)
    email_key: str | None = Field(
        default=None,
        max_length=320,
        unique=True,
        description="The email while the user is not removed: one live account per email",
    )
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    role: str = Field(max_length=20)
    store_ids: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=20)
    password_hash: str | None = Field(default=None, max_length=300)
    version: int = Field(default=1, description="Raised by one with each change; the user's events carry it")
    locale: str | None = Field(default=None, max_length=8, description="None: the client's language")


class InvitationRow(SQLModel, table=True):
    __tablename__ = "invitations"

    id: str = Field(primary_key=True, max_length=36)
    user_id: str = Field(max_length=36, index=True)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = _at(nullable=False)
    used_at: datetime | None = _at(nullable=True)
    revoked_at: datetime | None = _at(nullable=True)
    created_at: datetime | None = _at(nullable=True)
    event_id: str | None = Field(
        default=None, max_length=64, index=True, description="The UserInvited event: the notifier's EmailSent names it"
    )
    sent_at: datetime | None = _at(nullable=True)
    failed_at: datetime | None = _at(nullable=True)
    failure_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SessionRow(SQLModel, table=True):
    __tablename__ = "sessions"

    id: str = Field(primary_key=True, max_length=36)
    user_id: str = Field(max_length=36, index=True)
    created_at: datetime = _at(nullable=False)
    expires_at: datetime = _at(nullable=False)
    revoked_at: datetime | None = _at(nullable=True)


class RefreshTokenRow(SQLModel, table=True):
    __tablename__ = "refresh_tokens"

    token_hash: str = Field(primary_key=True, max_length=64)
    session_id: str = Field(max_length=36, index=True)
    used_at: datetime | None = _at(nullable=True)


class SigningKeyRow(SQLModel, table=True):
    __tablename__ = "signing_keys"

    kid: str = Field(primary_key=True, max_length=64)
    private_key: str = Field(sa_column=Column(Text, nullable=False), description="PEM, encrypted with a SecretBox")
    public_jwk: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _at(nullable=False)
    retired_at: datetime | None = _at(nullable=True)
