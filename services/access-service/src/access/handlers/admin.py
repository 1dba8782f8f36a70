"""An operator corrects the client's admin: a mistyped address, the language, or the admin
role handed to another user."""

from dataclasses import replace

from access.commands import ChangeAdmin, HandOverAdmin
from access.domain import AccessDisabled, AdminNotPending, AlreadyActive, EmailTaken, User, UserNotFound
from access.domain.errors import NotActive
from access.domain.users import change_role, clean_email, clean_locale, clean_name
from access.handlers.invitations import InvitationPolicy, send_invitation
from access.handlers.storefront_access import AccessView, get_storefront_access, granted, known_client
from access.ports import Clock, UnitOfWork
from service_runtime.errors import UniqueViolation
from storefront_events import UserRoleChanged


async def change_admin(cmd: ChangeAdmin, *, uow: UnitOfWork, clock: Clock, policy: InvitationPolicy) -> AccessView:
    """Changes the fields given of the client's admin:
    - `email`, while the admin has not accepted: every link sent so far stops working at once
      (it answers "replaced") and a new invitation goes to the new address when access is on
      (when it is off, the next resend goes there). An active admin's address cannot change:
      hand the role to another user instead. The address must not belong to another user.
    - `first_name`, `last_name`: the names the emails use.
    - `locale`: the client's and its admin's language (emails, pages, messages); no email is sent."""
    try:
        async with uow:
            client = await known_client(uow, cmd.client_id)
            access = await uow.access.get(client.id, for_update=True)  # one change of the client's users at a time
            admin = await uow.users.get(access.admin_user_id, for_update=True) if access else None
            if access is None or admin is None or admin.status == "removed":
                raise AdminNotPending("admin_not_pending")
            changed, readdressed = _changed(admin, cmd)
            if readdressed:
                if admin.status == "active":
                    raise AlreadyActive("admin_email_locked", email=admin.email)
                if await uow.users.by_email(changed.email):
                    raise _taken(changed.email)
            locale = clean_locale(cmd.locale)
            relocated = bool(locale) and locale != access.locale
            if changed != admin:
                changed = replace(changed, version=admin.version + 1)
                await uow.users.put(changed)
            if changed is not admin or relocated:
                access = replace(
                    access,
                    locale=locale if relocated else access.locale,  # type: ignore[arg-type]
                    version=access.version + 1,
                )
                await uow.access.put(access)
                if access.enabled:
                    uow.outbox.add(granted(access, changed))
            if readdressed:
                if access.enabled:
                    await send_invitation(
                        uow, changed, client, locale=access.locale, resend=True, clock=clock, policy=policy
                    )
                else:
                    await uow.invitations.revoke_pending(changed.id, clock.now())
            await uow.commit()
    except UniqueViolation as error:  # a concurrent request took the address first
        raise _taken(cmd.email or "") from error
    return await get_storefront_access(cmd.client_id, uow=uow)


def _changed(admin: User, cmd: ChangeAdmin) -> tuple[User, bool]:
    changed = admin
    if cmd.email is not None:
        changed = replace(changed, email=clean_email(cmd.email))
    if cmd.first_name is not None:
        changed = replace(changed, first_name=clean_name(cmd.first_name, field="first_name"))
    if cmd.last_name is not None:
        changed = replace(changed, last_name=clean_name(cmd.last_name, field="last_name"))
    if cmd.locale is not None:
        changed = replace(changed, locale=clean_locale(cmd.locale))
    return changed, changed.email != admin.email


async def hand_over_admin(cmd: HandOverAdmin, *, uow: UnitOfWork) -> AccessView:
    """Makes an active user of the client its admin (the one the operator sees and corrects).
    The previous admin stays an admin unless `previous_admin_role` says otherwise; the client
    always keeps an active admin. Role changes end the tokens of the users concerned, as
    any role change does."""
    async with uow:
        client = await known_client(uow, cmd.client_id)
        access = await uow.access.get(client.id, for_update=True)  # one change of the client's users at a time
        if access is None or not access.enabled:
            raise AccessDisabled("access_off")
        heir = await uow.users.get(cmd.user_id, for_update=True)
        if heir is None or heir.client_id != client.id or heir.status == "removed":
            raise UserNotFound("user_not_found", user_id=cmd.user_id)
        if heir.status != "active":
            raise NotActive("new_admin_not_active", field="user_id", email=heir.email)
        if heir.role != "admin":
            heir = change_role(heir, "admin", (), others=[])
            await uow.users.put(heir)
            uow.outbox.add(_role_changed(heir))
        previous = await uow.users.get(access.admin_user_id, for_update=True)
        access = replace(access, admin_user_id=heir.id, version=access.version + 1)
        await uow.access.put(access)
        uow.outbox.add(granted(access, heir))
        if cmd.previous_admin_role and previous and previous.id != heir.id and previous.status != "removed":
            others = [heir, *(u for u in await uow.users.of_client(client.id) if u.id != heir.id)]
            demoted = change_role(previous, cmd.previous_admin_role, (), others=others)
            if demoted != previous:
                await uow.users.put(demoted)
                uow.outbox.add(_role_changed(demoted))
        await uow.commit()
    return await get_storefront_access(cmd.client_id, uow=uow)


def _role_changed(user: User) -> UserRoleChanged:
    return UserRoleChanged(
        client_id=user.client_id,
        user_id=user.id,
        email=user.email,
        role=user.role,
        store_ids=list(user.store_ids),
        aggregate_version=user.version,
    )


def _taken(email: str) -> EmailTaken:
    return EmailTaken("email_taken", field="email", email=email)
