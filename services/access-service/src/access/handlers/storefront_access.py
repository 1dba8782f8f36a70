"""An operator turns a client's Storefronts access on or off."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from access.commands import SetStorefrontAccess
from access.domain import (
    AccessDisabled,
    AdminNotPending,
    AlreadyActive,
    ClientArchived,
    ClientNotYetKnown,
    EmailTaken,
    InvalidUser,
    Invitation,
    KnownClient,
    StorefrontAccess,
    User,
    UserNotFound,
)
from access.domain.access import Locale
from access.domain.users import clean_locale, new_user
from access.handlers.invitations import InvitationPolicy, send_invitation
from access.ports import Clock, UnitOfWork
from service_runtime.errors import UniqueViolation
from storefront_events import StorefrontAccessGranted


@dataclass(frozen=True)
class AccessView:
    client: KnownClient
    access: StorefrontAccess | None
    admin: User | None
    admin_invitation: Invitation | None = None


async def set_storefront_access(
    cmd: SetStorefrontAccess, *, uow: UnitOfWork, clock: Clock, policy: InvitationPolicy
) -> AccessView:
    """Turning access on needs the admin's email (syntax checked, lower-cased), first and last
    name; the client must be known and not archived. The first time, the admin is created as
    `invitation_sent` and invited (StorefrontAccessGranted + UserInvited). Turning it on again
    keeps the same admin (another email is refused: correct it with PATCH …/admin); a pending
    admin left without a working link (corrected while access was off) is invited again.
    Turning it off blocks every login and token of the client at once and ends every session
    for good: turning it on again revives none. Repeating the current state changes nothing."""
    try:
        async with uow:
            client = await known_client(uow, cmd.client_id)
            access = await uow.access.get(client.id, for_update=True)
            if cmd.enabled:
                await _enable(uow, cmd, client, access, clock=clock, policy=policy)
            elif access is not None and access.enabled:
                await turn_off(uow, access, now=clock.now())
            await uow.commit()
    except UniqueViolation as error:  # a concurrent request took the email first
        raise _taken(cmd.admin_email or "") from error
    return await get_storefront_access(client.id, uow=uow)


async def _enable(
    uow: UnitOfWork,
    cmd: SetStorefrontAccess,
    client: KnownClient,
    access: StorefrontAccess | None,
    *,
    clock: Clock,
    policy: InvitationPolicy,
) -> tuple[StorefrontAccess, User]:
    if client.archived:
        raise ClientArchived("client_archived_no_access", name=client.name)
    locale = cast(Locale, clean_locale(cmd.locale) or (access.locale if access else "en"))  # one of LOCALES
    try:
        candidate = new_user(
            str(uuid.uuid4()),
            client_id=client.id,
            email=cmd.admin_email or "",
            first_name=cmd.admin_first_name or "",
            last_name=cmd.admin_last_name or "",
            role="admin",
        )
    except InvalidUser as error:  # name the fields as the request does
        error.extensions["field"] = f"admin_{error.extensions.get('field')}"
        raise
    if access is not None:
        admin = await uow.users.get(access.admin_user_id)
        if admin is not None and admin.status != "removed":
            if admin.email != candidate.email:
                raise EmailTaken("admin_is_other", field="admin_email", email=admin.email, client_id=client.id)
            if access.enabled and access.locale == locale:
                return access, admin
            was_off = not access.enabled
            access = access.turned_on(admin.id, locale)
            await uow.access.put(access)
            uow.outbox.add(granted(access, admin))
            if was_off and admin.status == "invitation_sent" and not await _has_live_link(uow, admin, clock):
                # e.g. the address was corrected while access was off: the new address gets its link now
                await send_invitation(uow, admin, client, locale=locale, resend=True, clock=clock, policy=policy)
            return access, admin
    if await uow.users.by_email(candidate.email):
        raise _taken(candidate.email)
    access = (
        access.turned_on(candidate.id, locale)
        if access is not None
        else StorefrontAccess(client.id, True, candidate.id, locale)
    )
    await uow.users.put(candidate)
    await uow.access.put(access)
    uow.outbox.add(granted(access, candidate))
    await send_invitation(uow, candidate, client, locale=locale, resend=False, clock=clock, policy=policy)
    return access, candidate


async def _has_live_link(uow: UnitOfWork, admin: User, clock: Clock) -> bool:
    latest = (await uow.invitations.latest_of([admin.id])).get(admin.id)
    return latest is not None and latest.state(clock.now()) == "usable"


async def get_storefront_access(client_id: str, *, uow: UnitOfWork) -> AccessView:
    """Access state, its admin and where the admin's invitation stands (pending → sent →
    active, or delivery_failed with the mail server's reason)."""
    async with uow:
        client = await known_client(uow, client_id)
        access = await uow.access.get(client_id)
        admin = await uow.users.get(access.admin_user_id) if access else None
        latest = await uow.invitations.latest_of([admin.id]) if admin else {}
    return AccessView(client, access, admin, latest.get(admin.id) if admin else None)


async def resend_admin_invitation(
    client_id: str, *, uow: UnitOfWork, clock: Clock, policy: InvitationPolicy
) -> AccessView:
    """Sends the admin a new link; the previous one stops working. Only while the admin has
    not accepted: an admin who has is a 409 that says so."""
    async with uow:
        client = await known_client(uow, client_id)
        access = await uow.access.get(client_id)
        admin = await uow.users.get(access.admin_user_id, for_update=True) if access else None
        if access is not None and admin is not None and admin.status == "active":
            raise AlreadyActive("admin_already_active", email=admin.email)
        if access is None or admin is None or admin.status != "invitation_sent":
            raise AdminNotPending("admin_not_pending")
        if not access.enabled:
            raise AccessDisabled("access_off")
        await send_invitation(uow, admin, client, locale=access.locale, resend=True, clock=clock, policy=policy)
        await uow.commit()
    return await get_storefront_access(client_id, uow=uow)


async def known_client(uow: UnitOfWork, client_id: str) -> KnownClient:
    client = await uow.clients.get(client_id)
    if client is None:  # maybe created a moment ago: its ClientCreated is on its way
        raise ClientNotYetKnown("client_not_yet_known", client_id=client_id)
    return client


async def turn_off(uow: UnitOfWork, access: StorefrontAccess, *, now: datetime) -> StorefrontAccess:
    """Access off: every session of the client's users ends (their refresh tokens too), and
    StorefrontAccessGranted(enabled=False) tells the other services to refuse every token
    issued until now."""
    access = access.switched(False)
    await uow.access.put(access)
    await uow.sessions.revoke_all_of_client(access.client_id, now)
    admin = await uow.users.get(access.admin_user_id)
    if admin is None:  # an access always has its admin (users are removed, never deleted)
        raise UserNotFound("user_not_found", user_id=access.admin_user_id)
    uow.outbox.add(granted(access, admin))
    return access


def granted(access: StorefrontAccess, admin: User) -> StorefrontAccessGranted:
    return StorefrontAccessGranted(
        client_id=access.client_id,
        enabled=access.enabled,
        admin_user_id=admin.id,
        admin_email=admin.email,
        admin_first_name=admin.first_name,
        admin_last_name=admin.last_name,
        aggregate_version=access.version,
    )


def _taken(email: str) -> EmailTaken:
    return EmailTaken("email_taken", field="admin_email", email=email)
