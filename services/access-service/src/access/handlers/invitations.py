"""Sending and accepting invitations."""

import uuid
from dataclasses import dataclass, replace
from urllib.parse import quote

from access.commands import AcceptInvitation
from access.domain import AccessDisabled, AccessError, InvalidInvitation, Invitation, KnownClient, User
from access.domain.errors import UnknownInvitation
from access.domain.invitations import LinkState, hash_token, new_invitation
from access.domain.passwords import check_password
from access.ports import Clock, LinkSeal, PasswordHasher, UnitOfWork
from storefront_events import InvitationAccepted, UserInvited


@dataclass(frozen=True)
class InvitationPolicy:
    public_url: str
    seal: LinkSeal
    days: int = 7

    def link(self, token: str) -> str:
        """The token goes in the fragment: browsers never send it, so no server or proxy logs it."""
        return f"{self.public_url.rstrip('/')}/invitations/accept#token={quote(token)}"


async def send_invitation(
    uow: UnitOfWork,
    user: User,
    client: KnownClient,
    *,
    locale: str,
    resend: bool,
    clock: Clock,
    policy: InvitationPolicy,
) -> None:
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
    invited = UserInvited(
        client_id=client.id,
        client_name=client.name,
        user_id=user.id,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        role=user.role,
        store_ids=list(user.store_ids),
        invitation_id=invitation.id,
        sealed_accept_url=policy.seal(policy.link(token)),
        expires_at=invitation.expires_at,
        locale=user.locale or locale,
        resend=resend,
        aggregate_version=user.version,
    )
    # The notifier's EmailSent / EmailDeliveryFailed name this event: that is how the link learns its email's fate.
    await uow.invitations.put(replace(invitation, event_id=str(invited.event_id)))
    uow.outbox.add(invited, holds_secret=True)


@dataclass(frozen=True)
class InvitationView:
    """What the page a link opens needs before anyone types a password."""

    state: LinkState
    invitation: Invitation
    user: User | None
    client: KnownClient | None
    locale: str | None


async def inspect_invitation(token: str, *, uow: UnitOfWork, clock: Clock) -> InvitationView:
    """Who a link is for, for which company, and whether it still works: usable, used,
    replaced (a newer link or a corrected address), expired, or removed (the user was removed).
    An unknown link is a 400."""
    async with uow:
        invitation = await uow.invitations.by_token_hash(hash_token(token))
        if invitation is None:
            raise UnknownInvitation("invitation_unknown")
        user = await uow.users.get(invitation.user_id)
        client = await uow.clients.get(user.client_id) if user and user.client_id else None
        locale = await _reader_locale(uow, user)
    state = invitation.state(clock.now(), user_removed=user is None or user.status == "removed")
    return InvitationView(state, invitation, user, client, locale)


async def _reader_locale(uow: UnitOfWork, user: User | None) -> str | None:
    """The invited person's language: their own, else their client's."""
    if user is None:
        return None
    if user.locale:
        return user.locale
    access = await uow.access.get(user.client_id) if user.client_id else None
    return access.locale if access else None


async def accept_invitation(cmd: AcceptInvitation, *, uow: UnitOfWork, clock: Clock, passwords: PasswordHasher) -> User:
    """The invited user sets a password: the link must be the latest one sent, unused and
    under 7 days old; the password follows the policy (≥ 12 characters, not the email, not
    one repeated character) and is stored as an argon2 hash. The user becomes active.
    Of several accepts of one link at once, one wins; the others are told it was used."""
    now = clock.now()
    async with uow:
        invitation = await uow.invitations.by_token_hash(hash_token(cmd.token))
        if invitation is None:
            raise UnknownInvitation("invitation_unknown")
        user = await uow.users.get(invitation.user_id, for_update=True)  # two accepts of one link queue here
        locale = await _reader_locale(uow, user)
        try:
            invitation.check_usable(now, user_removed=user is None or user.status == "removed")
            if user is None or user.status != "invitation_sent":
                raise InvalidInvitation("invitation_used", extra={"state": "used"})
            access = await uow.access.get(user.client_id) if user.client_id else None
            if user.client_id and (access is None or not access.enabled):
                raise AccessDisabled("access_off_account")
            check_password(cmd.password, email=user.email)
        except AccessError as error:  # said in the invited person's language
            raise error.in_locale(locale) from None
        password_hash = await passwords.hash_password(cmd.password)
        if not await uow.invitations.use(invitation.id, now):  # another accept of this link won the race
            raise InvalidInvitation("invitation_used", extra={"state": "used"}).in_locale(locale)
        user = user.activated(password_hash)
        await uow.users.put(user)
        uow.outbox.add(
            InvitationAccepted(
                client_id=user.client_id, user_id=user.id, email=user.email, aggregate_version=user.version
            )
        )
        await uow.commit()
    return user
