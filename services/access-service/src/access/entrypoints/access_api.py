"""Storefront access of a client (operators) and invitations (public). Thin: parse, call, shape."""

from fastapi import APIRouter, Request

from access.commands import AcceptInvitation, ChangeAdmin, HandOverAdmin, SetStorefrontAccess
from access.domain.messages import render
from access.entrypoints.deps import OperatorOfClient, RuntimeDep, UowDep
from access.entrypoints.i18n import request_locale
from access.entrypoints.schemas import (
    AdminHandOver,
    AdminUpdate,
    InvitationAcceptance,
    InvitationInspection,
    InvitationToken,
    StorefrontAccessPublic,
    StorefrontAccessUpdate,
    UserPublic,
)
from access.handlers import admin, invitations, storefront_access
from service_runtime.problems import problem_responses

router = APIRouter(tags=["storefront access"])


@router.put(
    "/clients/{client_id}/storefront-access",
    response_model=StorefrontAccessPublic,
    dependencies=[OperatorOfClient],
    responses=problem_responses(404, 409),
)
async def set_storefront_access(client_id: str, body: StorefrontAccessUpdate, uow: UowDep, runtime: RuntimeDep):
    """Turn a client's Storefronts access on (with its admin's email and names: the admin is
    invited) or off (every user of the client is signed out at once)."""
    view = await storefront_access.set_storefront_access(
        SetStorefrontAccess(client_id, **body.model_dump()), uow=uow, clock=runtime.clock, policy=runtime.policy
    )
    return StorefrontAccessPublic.of(view)


@router.get(
    "/clients/{client_id}/storefront-access",
    response_model=StorefrontAccessPublic,
    dependencies=[OperatorOfClient],
    responses=problem_responses(404),
)
async def get_storefront_access(client_id: str, uow: UowDep):
    """Access state and the admin's status: `invitation_sent` until accepted, then `active`;
    `invitation_status` says whether the email reached the mail server (pending → sent →
    active, or delivery_failed with `delivery_error`), with the time of each step.
    A client the access service has not heard of yet answers 409 `client-not-yet-known`
    with Retry-After."""
    return StorefrontAccessPublic.of(await storefront_access.get_storefront_access(client_id, uow=uow))


@router.post(
    "/clients/{client_id}/storefront-access/resend-invitation",
    response_model=StorefrontAccessPublic,
    dependencies=[OperatorOfClient],
    responses=problem_responses(404, 409),
)
async def resend_admin_invitation(client_id: str, uow: UowDep, runtime: RuntimeDep):
    """Send the admin a new invitation link; the previous link stops working."""
    view = await storefront_access.resend_admin_invitation(
        client_id, uow=uow, clock=runtime.clock, policy=runtime.policy
    )
    return StorefrontAccessPublic.of(view)


@router.patch(
    "/clients/{client_id}/storefront-access/admin",
    response_model=StorefrontAccessPublic,
    dependencies=[OperatorOfClient],
    responses=problem_responses(404, 409, 422),
)
async def change_admin(client_id: str, body: AdminUpdate, uow: UowDep, runtime: RuntimeDep):
    """Correct the admin: a pending admin's mistyped `email` (the old link stops working at
    once, a new invitation goes to the new address), names, or the `locale` alone (no email
    is sent). An active admin's address cannot change: hand the role over instead."""
    view = await admin.change_admin(
        ChangeAdmin(client_id, **body.model_dump()), uow=uow, clock=runtime.clock, policy=runtime.policy
    )
    return StorefrontAccessPublic.of(view)


@router.post(
    "/clients/{client_id}/storefront-access/transfer-admin",
    response_model=StorefrontAccessPublic,
    dependencies=[OperatorOfClient],
    responses=problem_responses(404, 409, 422),
)
async def hand_over_admin(client_id: str, body: AdminHandOver, uow: UowDep):
    """Make an active user of the client its admin; the previous admin stays an admin unless
    `previous_admin_role` is given. The client always keeps an active admin."""
    view = await admin.hand_over_admin(HandOverAdmin(client_id, body.user_id, body.previous_admin_role), uow=uow)
    return StorefrontAccessPublic.of(view)


@router.post(
    "/invitations/inspect",
    response_model=InvitationInspection,
    tags=["auth"],
    responses=problem_responses(400, **{"400": "The token is not one of an invitation"}),
)
async def inspect_invitation(body: InvitationToken, request: Request, uow: UowDep, runtime: RuntimeDep):
    """What an invitation link is before anyone types a password: its `state` (usable, used,
    replaced, expired, removed) with a `message` saying so, the account (`email`) and company
    (`client_name`) it activates, the language to speak (`locale`) and the password rules.
    An unknown link is a 400."""
    view = await invitations.inspect_invitation(body.token, uow=uow, clock=runtime.clock)
    locale = view.locale or request_locale(request)
    key = {"usable": None, "removed": "invitation_user_removed"}.get(view.state, f"invitation_{view.state}")
    return InvitationInspection.of(view, locale=locale, message=render(key, locale) if key else None)


@router.post(
    "/invitations/accept",
    response_model=UserPublic,
    tags=["auth"],
    responses=problem_responses(
        400,
        410,
        **{"400": "The token is not one of an invitation", "410": "The link has expired, was used or replaced"},
    ),
)
async def accept_invitation(body: InvitationAcceptance, uow: UowDep, runtime: RuntimeDep):
    """Set a password with the token from the invitation email; the account becomes active."""
    user = await invitations.accept_invitation(
        AcceptInvitation(body.token, body.password), uow=uow, clock=runtime.clock, passwords=runtime.passwords
    )
    return UserPublic.of(user)


@router.get("/.well-known/jwks.json", tags=["auth"])
async def jwks(request: Request) -> dict:
    """The public keys access tokens are signed with (current and recently retired)."""
    return await request.app.state.runtime.keys.jwks()
