"""Sending and accepting invitations."""

import asyncio
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from storefront_events import InvitationAccepted, UserInvited

from access.commands import AcceptInvitation
from access.domain import AccessDisabled, InvalidInvitation, KnownClient, User
from access.domain.errors import UnknownInvitation
from access.domain.invitations import hash_token, new_invitation
from access.domain.passwords import check_password
from access.ports import Clock, LinkSeal, PasswordHasher


USED = "This invitation link has already been used: sign in instead."


@dataclass(frozen=True)
class InvitationPolicy:
    public_url: str
    seal: LinkSeal
    days: int = 7

    def link(self, token: str) -> str:
        """The token goes in the fragment: browsers never send it, so no server or proxy logs it."""
        return f"{self.public_url.rstrip('/')}/invitations/accept#token={quote(token)}"


async def send_invitation(uow, user: User, client: KnownClient, *, locale: str, resend: bool, clock: Clock,
                          policy: InvitationPolicy) -> None:
    """Inside the caller's transaction: earlier links of the user stop working, a new one is
    stored (hash only) and UserInvited carries the link sealed for the notifier alone; the
    outbox row is emptied once sent. The clear token exists only in the email. A resend is a
    change of the user (its version goes up), so each UserInvited carries its own version."""
    now = clock.now()
    if resend:
        user = user.invited_again()
        await uow.users.put(user)
    await uow.invitations.revoke_pending(user.id, now)
    invitation, token = new_invitation(str(uuid.uuid4()), user.id, now=now, days=policy.days)
    await uow.invitations.put(invitation)
    uow.outbox.add(UserInvited(
        client_id=client.id, client_name=client.name, user_id=user.id, email=user.email, first_name=user.first_name,
        last_name=user.last_name, role=user.role, store_ids=list(user.store_ids), invitation_id=invitation.id,
        sealed_accept_url=policy.seal(policy.link(token)), expires_at=invitation.expires_at, locale=locale,
        resend=resend, aggregate_version=user.version,
    ), holds_secret=True)


async def accept_invitation(cmd: AcceptInvitation, *, uow, clock: Clock, passwords: PasswordHasher) -> User:
    """The invited user sets a password: the link must be the latest one sent, unused and
    under 7 days old; the password follows the policy (≥ 12 characters, not the email, not
    one repeated character) and is stored as an argon2 hash. The user becomes active.
    Of several accepts of one link at once, one wins; the others are told it was used."""
    now = clock.now()
    async with uow:
        invitation = await uow.invitations.by_token_hash(hash_token(cmd.token))
        if invitation is None:
            raise UnknownInvitation("This invitation link is not valid.")
        invitation.check_usable(now)
        user = await uow.users.get(invitation.user_id, for_update=True)
        if user is not None and user.status == "active":  # a concurrent accept of this link committed meanwhile
            raise InvalidInvitation(USED)
        if user is None or user.status != "invitation_sent":
            raise InvalidInvitation("This invitation is no longer valid.")
        access = await uow.access.get(user.client_id) if user.client_id else None
        if user.client_id and (access is None or not access.enabled):
            raise AccessDisabled("Storefronts access of this account is turned off.")
        check_password(cmd.password, email=user.email)
        password_hash = await asyncio.to_thread(passwords.hash, cmd.password)
        if not await uow.invitations.use(invitation.id, now):  # another accept of this link won the race
            raise InvalidInvitation(USED)
        user = user.activated(password_hash)
        await uow.users.put(user)
        uow.outbox.add(InvitationAccepted(client_id=user.client_id, user_id=user.id, email=user.email,
                                          aggregate_version=user.version))
        await uow.commit()
    return user
