"""Product syncs of a store: start one ("Sync products", manual re-sync), follow its progress."""

from fastapi import APIRouter, Request, Response, status

from connector.entrypoints.deps import ManagesStores, UowDep, ViewerDep
from connector.entrypoints.schemas import SyncPublic, SyncRequest
from connector.handlers import syncs
from service_runtime.problems import problem_responses

router = APIRouter(prefix="/stores/{store_id}/syncs", tags=["product sync"])


@router.post(
    "",
    dependencies=[ManagesStores],
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SyncPublic,
    responses=problem_responses(403, 404, 409, 422),
)
async def start_sync(
    store_id: str, request: Request, response: Response, viewer: ViewerDep, uow: UowDep, body: SyncRequest | None = None
) -> SyncPublic:
    """Starts a background sync of the shop's products (or answers the one under way); follow it
    at the address in ``Location``."""
    runtime = request.app.state.runtime
    job, new = await syncs.start_sync(viewer, store_id, full=bool(body and body.full), uow=uow, clock=runtime.clock)
    if new:
        runtime.syncs.run(job.id)
    response.headers["Location"] = f"/stores/{store_id}/syncs/{job.id}"
    return SyncPublic.of(job)


@router.get("", response_model=list[SyncPublic], responses=problem_responses(404))
async def list_syncs(store_id: str, viewer: ViewerDep, uow: UowDep) -> list[SyncPublic]:
    """The store's latest syncs, newest first."""
    return [SyncPublic.of(job) for job in await syncs.list_syncs(viewer, store_id, uow=uow)]


@router.get("/{sync_id}", response_model=SyncPublic, responses=problem_responses(404))
async def get_sync(store_id: str, sync_id: str, viewer: ViewerDep, uow: UowDep) -> SyncPublic:
    """Progress: ``done`` of ``total`` products read; the result once finished."""
    return SyncPublic.of(await syncs.get_sync(viewer, store_id, sync_id, uow=uow))
