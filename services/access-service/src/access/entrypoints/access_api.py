"""Storefront access of a client (operators) and invitations (public). Thin: parse, call, shape."""

from fastapi import APIRouter, Request

from access.commands import AcceptInvitation, SetStorefrontAccess
from access.entrypoints.deps import OperatorOfClient, RuntimeDep, UowDep
from access.entrypoints.schemas import InvitationAcceptance, StorefrontAccessPublic, StorefrontAccessUpdate, UserPublic
from access.handlers import invitations, storefront_access
from service_runtime.problems import problem_responses

router = APIRouter(tags=["storefront access"])


@router.put("/clients/{client_id}/storefront-access", response_model=StorefrontAccessPublic,
            dependencies=[OperatorOfClient], responses=problem_responses(404, 409))
async def set_storefront_access(client_id: str, body: StorefrontAccessUpdate, uow: UowDep, runtime: RuntimeDep):
    """Turn a client's Storefronts access on (with its admin's email and names: the admin is
    invited) or off (every user of the client is signed out at once)."""
    view = await storefront_access.set_storefront_access(SetStorefrontAccess(client_id, **body.model_dump()), uow=uow,
                                                         clock=runtime.clock, policy=runtime.policy)
    return StorefrontAccessPublic.of(view)


@router.get("/clients/{client_id}/storefront-access", response_model=StorefrontAccessPublic,
            dependencies=[OperatorOfClient], responses=problem_responses(404))
async def get_storefront_access(client_id: str, uow: UowDep):
    """Access state and the admin's status: `invitation_sent` until accepted, then `active`."""
    return StorefrontAccessPublic.of(await storefront_access.get_storefront_access(client_id, uow=uow))


@router.post("/clients/{client_id}/storefront-access/resend-invitation", response_model=StorefrontAccessPublic,
             dependencies=[OperatorOfClient], responses=problem_responses(404, 409))
async def resend_admin_invitation(client_id: str, uow: UowDep, runtime: RuntimeDep):
    """Send the admin a new invitation link; the previous link stops working."""
    view = await storefront_access.resend_admin_invitation(client_id, uow=uow, clock=runtime.clock, policy=runtime.policy)
    return StorefrontAccessPublic.of(view)


@router.post("/invitations/accept", response_model=UserPublic, tags=["auth"], responses=problem_responses(
    400, 410, **{"400": "The token is not one of an invitation", "410": "The link has expired, was used or replaced"}))
async def accept_invitation(body: InvitationAcceptance, uow: UowDep, runtime: RuntimeDep):
    """Set a password with the token from the invitation email; the account becomes active."""
    user = await invitations.accept_invitation(AcceptInvitation(body.token, body.password), uow=uow,
                                               clock=runtime.clock, passwords=runtime.passwords)
    return UserPublic.of(user)


@router.get("/.well-known/jwks.json", tags=["auth"])
async def jwks(request: Request) -> dict:
    """The public keys access tokens are signed with (current and recently retired)."""
    return await request.app.state.runtime.keys.jwks()
