"""A client's admin manages the users of the client account."""

import uuid
from dataclasses import dataclass, replace

from access.commands import AddUser, ChangeUser, RemoveUser
from access.domain import (
    AccessDisabled,
    AlreadyActive,
    ClientNotYetKnown,
    EmailTaken,
    Invitation,
    StorefrontAccess,
    User,
    UserNotFound,
)
from access.domain.stores import check_stores_of
from access.domain.users import change_role, clean_locale, ensure_not_last_admin, new_user
from access.handlers.invitations import InvitationPolicy, send_invitation
from access.handlers.storefront_access import known_client
from access.ports import Clock, UnitOfWork
from service_runtime.errors import UniqueViolation
from storefront_events import UserRemoved, UserRoleChanged


@dataclass(frozen=True)
class UserView:
    user: User
    invitation: Invitation | None  # the latest one sent


async def list_users(client_id: str, *, uow: UnitOfWork) -> list[User]:
    async with uow:
        await _enabled_access(uow, client_id)
        return await uow.users.of_client(client_id)


async def list_team(client_id: str, *, uow: UnitOfWork) -> list[UserView]:
    """The client's users, each with where their invitation stands (pending → sent → active,
    or delivery_failed with the mail server's reason)."""
    async with uow:
        await _enabled_access(uow, client_id)
        users = await uow.users.of_client(client_id)
        latest = await uow.invitations.latest_of([u.id for u in users])
    return [UserView(u, latest.get(u.id)) for u in users]


async def user_view(user: User, *, uow: UnitOfWork) -> UserView:
    async with uow:
        latest = await uow.invitations.latest_of([user.id])
    return UserView(user, latest.get(user.id))


async def add_user(cmd: AddUser, *, uow: UnitOfWork, clock: Clock, policy: InvitationPolicy) -> User:
    """Adds a user with a role (store managers with the ids of their stores) and invites them,
    in their own language when one is given (else the client's). The email must not belong
    to another Storefronts user; a store manager's stores must be connected stores of the client."""
    user = new_user(
        str(uuid.uuid4()),
        client_id=cmd.client_id,
        email=cmd.email,
        first_name=cmd.first_name,
        last_name=cmd.last_name,
        role=cmd.role,
        store_ids=cmd.store_ids,
        locale=cmd.locale,
    )
    try:
        async with uow:
            access = await _enabled_access(uow, cmd.client_id, lock=True)
            await _check_stores(uow, user)
            if await uow.users.by_email(user.email):
                raise _taken(user.email)
            await uow.users.put(user)
            client = await known_client(uow, cmd.client_id)
            await send_invitation(uow, user, client, locale=access.locale, resend=False, clock=clock, policy=policy)
            await uow.commit()
    except UniqueViolation as error:  # a concurrent request took the email first
        raise _taken(user.email) from error
    return user


async def change_user(cmd: ChangeUser, *, uow: UnitOfWork) -> User:
    """Changes a user's role, stores or language. The client's last active admin cannot be
    demoted, even by two admins demoting each other at once (changes of one client run one at
    a time). A store manager's new stores must be connected stores of the client."""
    async with uow:
        await _enabled_access(uow, cmd.client_id, lock=True)
        user = await _user(uow, cmd.client_id, cmd.user_id)
        role = cmd.role or user.role
        store_ids = cmd.store_ids if cmd.store_ids is not None else (user.store_ids if role == user.role else ())
        changed = change_role(user, role, store_ids, others=await uow.users.of_client(cmd.client_id))
        if changed.store_ids != user.store_ids:
            await _check_stores(uow, changed)
        if cmd.locale is not None and (locale := clean_locale(cmd.locale)) != changed.locale:
            changed = replace(changed, locale=locale, version=user.version + 1)
        if changed == user:
            return user
        await uow.users.put(changed)
        if (changed.role, changed.store_ids) != (user.role, user.store_ids):
            uow.outbox.add(
                UserRoleChanged(
                    client_id=cmd.client_id,
                    user_id=user.id,
                    email=user.email,
                    role=changed.role,
                    store_ids=list(changed.store_ids),
                    aggregate_version=changed.version,
                )
            )
        await uow.commit()
    return changed


async def remove_user(cmd: RemoveUser, *, uow: UnitOfWork, clock: Clock) -> None:
    """Removes a user: their sessions end and their pending invitation stops working at once.
    The client's last active admin cannot be removed."""
    now = clock.now()
    async with uow:
        await _enabled_access(uow, cmd.client_id, lock=True)
        user = await _user(uow, cmd.client_id, cmd.user_id)
        ensure_not_last_admin(user, await uow.users.of_client(cmd.client_id))
        removed = user.removed()
        await uow.users.put(removed)
        await uow.sessions.revoke_all_of(user.id, now)
        await uow.invitations.revoke_pending(user.id, now)
        uow.outbox.add(
            UserRemoved(client_id=cmd.client_id, user_id=user.id, email=user.email, aggregate_version=removed.version)
        )
        await uow.commit()


async def resend_invitation(
    client_id: str, user_id: str, *, uow: UnitOfWork, clock: Clock, policy: InvitationPolicy
) -> User:
    """A new link for a user who has not accepted yet; the previous link stops working. A user
    who has accepted is a 409 that says so."""
    async with uow:
        access = await _enabled_access(uow, client_id, lock=True)
        user = await _user(uow, client_id, user_id)
        if user.status != "invitation_sent":
            raise AlreadyActive("user_already_active", email=user.email)
        client = await known_client(uow, client_id)
        await send_invitation(uow, user, client, locale=access.locale, resend=True, clock=clock, policy=policy)
        await uow.commit()
    return user


async def _enabled_access(uow: UnitOfWork, client_id: str, *, lock: bool = False) -> StorefrontAccess:
    """The client's access, which must be on. With ``lock``, first waits for (and then holds
    off) every other change to the client's users until this unit of work ends, so the
    rules below see the other changes."""
    if await uow.clients.get(client_id) is None:  # maybe created a moment ago: its ClientCreated is on its way
        raise ClientNotYetKnown("client_not_yet_known", client_id=client_id)
    if lock:
        await uow.access.lock(client_id)
    access = await uow.access.get(client_id)
    if access is None or not access.enabled:
        raise AccessDisabled("access_off")
    return access


async def _check_stores(uow: UnitOfWork, user: User) -> None:
    """Read under the client's users lock: a store disconnected meanwhile is seen here, or this
    user is seen by the disconnection (see handlers/stores.py)."""
    if user.store_ids and user.client_id:
        check_stores_of(user.client_id, user.store_ids, await uow.stores.of_ids(list(user.store_ids)))


async def _user(uow: UnitOfWork, client_id: str, user_id: str) -> User:
    """Loads the user to change it: its row is held until commit."""
    user = await uow.users.get(user_id, for_update=True)
    if user is None or user.client_id != client_id or user.status == "removed":
        raise UserNotFound("user_not_found", user_id=user_id)
    return user


def _taken(email: str) -> EmailTaken:
    return EmailTaken("email_taken", field="email", email=email)
