"""An operator turns a client's Storefronts access on or off."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from storefront_events import StorefrontAccessGranted

from access.commands import SetStorefrontAccess
from access.domain import (
    AccessDisabled,
    ClientArchived,
    ClientNotFound,
    EmailTaken,
    InvalidUser,
    KnownClient,
    StorefrontAccess,
    User,
    UserNotFound,
)
from access.domain.users import clean_email, new_user
from access.handlers.invitations import InvitationPolicy, send_invitation
from access.ports import Clock

LOCALES = ("en", "fr")


@dataclass(frozen=True)
class AccessView:
    client: KnownClient
    access: StorefrontAccess | None
    admin: User | None


async def set_storefront_access(cmd: SetStorefrontAccess, *, uow, clock: Clock, policy: InvitationPolicy) -> AccessView:
    """Turning access on needs the admin's email (syntax checked, lower-cased), first and last
    name; the client must be known and not archived. The first time, the admin is created as
    `invitation_sent` and invited (StorefrontAccessGranted + UserInvited). Turning it on again
    keeps the same admin (another email is refused: manage users instead). Turning it off
    blocks every login and token of the client at once and ends every session for good:
    turning it on again revives none. Repeating the current state changes nothing."""
    try:
        async with uow:
            client = await _client(uow, cmd.client_id)
            access = await uow.access.get(client.id, for_update=True)
            if cmd.enabled:
                access, admin = await _enable(uow, cmd, client, access, clock=clock, policy=policy)
            elif access is not None and access.enabled:
                access = await turn_off(uow, access, now=clock.now())
                admin = await uow.users.get(access.admin_user_id)
            else:
                admin = await uow.users.get(access.admin_user_id) if access else None
            await uow.commit()
    except IntegrityError as error:  # a concurrent request took the email first
        raise _taken(cmd.admin_email or "") from error
    return AccessView(client, access, admin)


async def _enable(uow, cmd: SetStorefrontAccess, client: KnownClient, access: StorefrontAccess | None, *,
                  clock: Clock, policy: InvitationPolicy) -> tuple[StorefrontAccess, User]:
    if client.archived:
        raise ClientArchived(f"The client '{client.name}' is archived: Storefronts access cannot be turned on.")
    locale = cmd.locale or (access.locale if access else "en")
    if locale not in LOCALES:
        raise InvalidUser(f"The locale must be one of {', '.join(LOCALES)}.", field="locale")
    try:
        candidate = new_user(str(uuid.uuid4()), client_id=client.id, email=cmd.admin_email or "",
                             first_name=cmd.admin_first_name or "", last_name=cmd.admin_last_name or "", role="admin")
    except InvalidUser as error:  # name the fields as the request does
        error.extensions["field"] = f"admin_{error.extensions.get('field')}"
        raise
    if access is not None:
        admin = await uow.users.get(access.admin_user_id)
        if admin is not None and admin.status != "removed":
            if admin.email != candidate.email:
                raise EmailTaken(f"This client's admin is {admin.email}; add other users from the client's account.",
                                 field="admin_email")
            if access.enabled and access.locale == locale:
                return access, admin
            access = access.turned_on(admin.id, locale)  # type: ignore[arg-type]
            await uow.access.put(access)
            uow.outbox.add(granted(access, admin))
            return access, admin
    if await uow.users.by_email(candidate.email):
        raise _taken(candidate.email)
    access = (access.turned_on(candidate.id, locale) if access is not None  # type: ignore[arg-type]
              else StorefrontAccess(client.id, True, candidate.id, locale))  # type: ignore[arg-type]
    await uow.users.put(candidate)
    await uow.access.put(access)
    uow.outbox.add(granted(access, candidate))
    await send_invitation(uow, candidate, client, locale=locale, resend=False, clock=clock, policy=policy)
    return access, candidate


async def get_storefront_access(client_id: str, *, uow) -> AccessView:
    async with uow:
        client = await _client(uow, client_id)
        access = await uow.access.get(client_id)
        admin = await uow.users.get(access.admin_user_id) if access else None
    return AccessView(client, access, admin)


async def resend_admin_invitation(client_id: str, *, uow, clock: Clock, policy: InvitationPolicy) -> AccessView:
    """Sends the admin a new link; the previous one stops working. Only while the admin has not accepted."""
    async with uow:
        client = await _client(uow, client_id)
        access = await uow.access.get(client_id)
        admin = await uow.users.get(access.admin_user_id, for_update=True) if access else None
        if access is None or admin is None or admin.status != "invitation_sent":
            raise UserNotFound("This client has no admin waiting for an invitation.")
        if not access.enabled:
            raise AccessDisabled("Storefronts access of this client is turned off.")
        await send_invitation(uow, admin, client, locale=access.locale, resend=True, clock=clock, policy=policy)
        await uow.commit()
    return AccessView(client, access, admin)


async def _client(uow, client_id: str) -> KnownClient:
    client = await uow.clients.get(client_id)
    if client is None:
        raise ClientNotFound(f"No client with id '{client_id}'.")
    return client


async def turn_off(uow, access: StorefrontAccess, *, now: datetime) -> StorefrontAccess:
    """Access off: every session of the client's users ends (their refresh tokens too), and
    StorefrontAccessGranted(enabled=False) tells the other services to refuse every token
    issued until now."""
    access = access.switched(False)
    await uow.access.put(access)
    await uow.sessions.revoke_all_of_client(access.client_id, now)
    uow.outbox.add(granted(access, await uow.users.get(access.admin_user_id)))
    return access


def granted(access: StorefrontAccess, admin: User) -> StorefrontAccessGranted:
    return StorefrontAccessGranted(client_id=access.client_id, enabled=access.enabled, admin_user_id=admin.id,
                                   admin_email=admin.email, admin_first_name=admin.first_name,
                                   admin_last_name=admin.last_name, aggregate_version=access.version)


def _taken(email: str) -> EmailTaken:
    return EmailTaken(f"The email '{email}' already belongs to a Storefronts user.", field="admin_email")
