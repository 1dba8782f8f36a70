"""Users of a client account: the client's admin manages them, operators may read. Thin."""

from fastapi import APIRouter, Response, status

from access.commands import AddUser, ChangeUser, RemoveUser
from access.entrypoints.deps import AdminOfClient, AdminOrOperator, RuntimeDep, UowDep
from access.entrypoints.schemas import UserCreate, UserList, UserPublic, UserUpdate
from access.handlers import users
from service_runtime.problems import problem_responses

router = APIRouter(prefix="/clients/{client_id}/users", tags=["users"])


@router.get("", response_model=UserList, dependencies=[AdminOrOperator], responses=problem_responses(404))
async def list_users(client_id: str, uow: UowDep):
    """The client's users with where each invitation stands (pending → sent → active, or
    delivery_failed with the reason) and when."""
    return UserList(items=[UserPublic.of(v.user, v.invitation) for v in await users.list_team(client_id, uow=uow)])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=UserPublic,
    dependencies=[AdminOfClient],
    responses=problem_responses(404, 409),
)
async def add_user(client_id: str, body: UserCreate, uow: UowDep, runtime: RuntimeDep):
    """Add a user with a role (a store manager with the stores they manage); they get an invitation."""
    cmd = AddUser(client_id, body.email, body.first_name, body.last_name, body.role, tuple(body.store_ids), body.locale)
    return UserPublic.of(await users.add_user(cmd, uow=uow, clock=runtime.clock, policy=runtime.policy))


@router.patch(
    "/{user_id}", response_model=UserPublic, dependencies=[AdminOfClient], responses=problem_responses(404, 409)
)
async def change_user(client_id: str, user_id: str, body: UserUpdate, uow: UowDep):
    """Change a user's role, stores or language. The last active admin cannot be demoted."""
    store_ids = tuple(body.store_ids) if body.store_ids is not None else None
    return UserPublic.of(
        await users.change_user(ChangeUser(client_id, user_id, body.role, store_ids, body.locale), uow=uow)
    )


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[AdminOfClient],
    responses=problem_responses(404, 409),
)
async def remove_user(client_id: str, user_id: str, uow: UowDep, runtime: RuntimeDep):
    """Remove a user; their sessions end at once. The last active admin cannot be removed."""
    await users.remove_user(RemoveUser(client_id, user_id), uow=uow, clock=runtime.clock)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{user_id}/resend-invitation",
    response_model=UserPublic,
    dependencies=[AdminOfClient],
    responses=problem_responses(404, 409),
)
async def resend_invitation(client_id: str, user_id: str, uow: UowDep, runtime: RuntimeDep):
    """Send a pending user a new invitation link; the previous one stops working. A user who
    has already activated their account is a 409 that says so."""
    user = await users.resend_invitation(client_id, user_id, uow=uow, clock=runtime.clock, policy=runtime.policy)
    view = await users.user_view(user, uow=uow)
    return UserPublic.of(view.user, view.invitation)
