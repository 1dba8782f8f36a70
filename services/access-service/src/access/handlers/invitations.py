"""Sending and accepting invitations."""

import uuid
from dataclasses import dataclass
from urllib.parse import quote

from storefront_events import InvitationAccepted, UserInvited

from access.commands import AcceptInvitation
from access.domain import AccessDisabled, InvalidInvitation, KnownClient, User
from access.domain.errors import UnknownInvitation
from access.domain.invitations import hash_token, new_invitation
from access.domain.passwords import check_password
from access.ports import Clock, PasswordHasher


@dataclass(frozen=True)
class InvitationPolicy:
    public_url: str
    days: int = 7


async def send_invitation(uow, user: User, client: KnownClient, *, locale: str, resend: bool, clock: Clock,
                          policy: InvitationPolicy) -> None:
    """Inside the caller's transaction: earlier links of the user stop working, a new one is
    stored (hash only) and UserInvited carries the clear link to the notifier."""
    now = clock.now()
    await uow.invitations.revoke_pending(user.id, now)
    invitation, token = new_invitation(str(uuid.uuid4()), user.id, now=now, days=policy.days)
    await uow.invitations.put(invitation)
    uow.outbox.add(UserInvited(
        client_id=client.id, client_name=client.name, user_id=user.id, email=user.email, first_name=user.first_name,
        last_name=user.last_name, role=user.role, store_ids=list(user.store_ids), invitation_id=invitation.id,
        accept_url=f"{policy.public_url.rstrip('/')}/invitations/accept?token={quote(token)}",
        expires_at=invitation.expires_at, locale=locale, resend=resend,
    ))


async def accept_invitation(cmd: AcceptInvitation, *, uow, clock: Clock, passwords: PasswordHasher) -> User:
    """The invited user sets a password: the link must be the latest one sent, unused and
    under 7 days old; the password follows the policy (≥ 12 characters, not the email, not
    one repeated character) and is stored as an argon2 hash. The user becomes active."""
    now = clock.now()
    async with uow:
        invitation = await uow.invitations.by_token_hash(hash_token(cmd.token))
        if invitation is None:
            raise UnknownInvitation("This invitation link is not valid.")
        invitation.check_usable(now)
        user = await uow.users.get(invitation.user_id)
        if user is None or user.status != "invitation_sent":
            raise InvalidInvitation("This invitation is no longer valid.")
        access = await uow.access.get(user.client_id) if user.client_id else None
        if user.client_id and (access is None or not access.enabled):
            raise AccessDisabled("Storefronts access of this account is turned off.")
        check_password(cmd.password, email=user.email)
        password_hash = await passwords.hash_password(cmd.password)
        user = user.activated(password_hash)
        await uow.users.put(user)
        await uow.invitations.put(invitation.used(now))
        uow.outbox.add(InvitationAccepted(client_id=user.client_id, user_id=user.id, email=user.email))
        await uow.commit()
    return user
