"""HTTP routes of the client service (operators only). Thin: parse, call a handler, shape."""

import base64
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status

from client import handlers
from client.adapters.clock import SystemClock
from client.commands import ArchiveClient, CreateClient, RestoreClient, UpdateClient
from client.domain import ClientError
from client.entrypoints.schemas import ClientCreate, ClientPage, ClientPublic, ClientUpdate
from service_runtime.auth import require_roles
from service_runtime.problems import problem_responses


class InvalidCursor(ClientError):
    status = 400
    title = "Invalid cursor"


router = APIRouter(prefix="/clients", tags=["clients"], dependencies=[Depends(require_roles("operator"))])
clock = SystemClock()


def get_uow(request: Request):
    return request.app.state.runtime.uow()


UowDep = Annotated[object, Depends(get_uow)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ClientPublic,
    responses=problem_responses(409, **{"409": "The client reference ID is already taken"}),
)
async def create_client(body: ClientCreate, uow: UowDep):
    """Create a client: name required, client reference ID optional and unique."""
    client = await handlers.create_client(CreateClient(**body.model_dump()), uow=uow, clock=clock)
    return ClientPublic.of(client)


@router.get(
    "",
    response_model=ClientPage,
    responses=problem_responses(400, **{"400": "The cursor is not one this API returned"}),
)
async def list_clients(
    uow: UowDep,
    search: Annotated[str | None, Query(max_length=200, description="Part of the name or reference ID")] = None,
    status_filter: Annotated[Literal["active", "archived", "all"], Query(alias="status")] = "active",
    cursor: Annotated[str | None, Query(max_length=600)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    """List clients by name, searching name and reference ID, a page at a time."""
    clients = await handlers.list_clients(
        uow=uow, text=search, status=status_filter, after=_decode(cursor), limit=limit + 1
    )
    page = clients[:limit]
    next_cursor = _encode(page[-1].name.casefold(), page[-1].id) if len(clients) > limit else None
    return ClientPage(items=[ClientPublic.of(c) for c in page], next_cursor=next_cursor)


@router.get("/{client_id}", response_model=ClientPublic, responses=problem_responses(404))
async def get_client(client_id: str, uow: UowDep):
    return ClientPublic.of(await handlers.get_client(client_id, uow=uow))


@router.patch(
    "/{client_id}",
    response_model=ClientPublic,
    responses=problem_responses(404, 409, **{"409": "The reference ID is taken, or the client is archived"}),
)
async def update_client(client_id: str, body: ClientUpdate, uow: UowDep):
    """Change the fields sent. The name cannot be cleared; an archived client cannot change."""
    changes = body.model_dump(exclude_unset=True)
    client = await handlers.update_client(UpdateClient(client_id, changes), uow=uow, clock=clock)
    return ClientPublic.of(client)


@router.post("/{client_id}/archive", response_model=ClientPublic, responses=problem_responses(404))
async def archive_client(client_id: str, uow: UowDep):
    """Archive a client. It stays listed under ?status=archived."""
    return ClientPublic.of(await handlers.archive_client(ArchiveClient(client_id), uow=uow, clock=clock))


@router.post("/{client_id}/restore", response_model=ClientPublic)
async def restore_client(client_id: str, uow: UowDep):
    """Restore an archived client: it keeps its reference ID and may change again. Its
    Storefronts access stays off until an operator turns it on."""
    return ClientPublic.of(await handlers.restore_client(RestoreClient(client_id), uow=uow, clock=clock))


def _encode(name_key: str, client_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([name_key, client_id]).encode()).decode()


def _decode(cursor: str | None) -> tuple[str, str] | None:
    if not cursor:
        return None
    try:
        name_key, client_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return str(name_key), str(client_id)
    except (ValueError, TypeError) as error:
        raise InvalidCursor("cursor_invalid") from error
