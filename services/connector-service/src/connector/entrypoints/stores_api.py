"""HTTP routes of stores: add a manual store, list, read, disconnect. Thin."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from connector.adapters.clock import SystemClock
from connector.entrypoints.deps import AddsStores, ManagesStores, UowDep, ViewerDep
from connector.entrypoints.schemas import ManualStoreCreate, StoreListed, StorePage, StorePublic
from connector.handlers import stores
from service_runtime.problems import problem_responses

router = APIRouter(prefix="/stores", tags=["stores"])
clock = SystemClock()


@router.post(
    "/manual",
    dependencies=[AddsStores],
    status_code=status.HTTP_201_CREATED,
    response_model=StorePublic,
    responses=problem_responses(403, 422),
)
async def add_manual_store(body: ManualStoreCreate, viewer: ViewerDep, uow: UowDep) -> StorePublic:
    """ "Add manual store": a store with no platform (orders from "Place order" and CSV import).
    The client's admin, or an operator naming the client."""
    store = await stores.add_manual_store(
        viewer, client_id=body.client_id, name=body.name, test_mode=body.test_mode, uow=uow, clock=clock
    )
    return StorePublic.of(store)


@router.get("", response_model=StorePage)
async def list_stores(
    viewer: ViewerDep,
    uow: UowDep,
    client_id: Annotated[str | None, Query(max_length=36, description="Operators: one client's stores")] = None,
    cursor: Annotated[str | None, Query(max_length=36)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> StorePage:
    """Operators see every store; a client's users their client's; a Store manager its own."""
    found = await stores.list_stores(viewer, client_id=client_id, after=cursor, limit=limit + 1, uow=uow)
    page = found[:limit]
    return StorePage(
        items=[StoreListed.listed(s) for s in page], next_cursor=page[-1].store.id if len(found) > limit else None
    )


@router.get("/{store_id}", response_model=StorePublic, responses=problem_responses(404))
async def get_store(store_id: str, viewer: ViewerDep, uow: UowDep) -> StorePublic:
    return StorePublic.of(await stores.get_store(viewer, store_id, uow=uow))


@router.post(
    "/{store_id}/disconnect",
    dependencies=[ManagesStores],
    response_model=StorePublic,
    responses=problem_responses(403, 404, 409),
)
async def disconnect_store(store_id: str, viewer: ViewerDep, uow: UowDep) -> StorePublic:
    """No more orders from this store; its credentials are forgotten (StoreDisconnected)."""
    return StorePublic.of(await stores.disconnect_store(viewer, store_id, uow=uow, clock=clock))
