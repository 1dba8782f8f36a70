"""HTTP routes of manual orders: "Place order" and CSV import on a manual store."""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from order_intake.entrypoints.orders_api import ACTING, UowDep, viewer_of
from order_intake.entrypoints.schemas import ImportJobPublic, OrderDetail, PlaceOrder
from order_intake.handlers import manual
from service_runtime.auth import CurrentPrincipal
from service_runtime.problems import problem_responses

placing = APIRouter(prefix="/orders", tags=["orders"])
imports = APIRouter(prefix="/order-imports", tags=["order imports"])

#: Imports running in this process (a reference keeps each task alive until it ends).
_running: set[asyncio.Task[None]] = set()

#: The largest CSV file accepted (the gateway and the app both bound it).
IMPORT_MAX_BYTES = 20 * 1024 * 1024


@placing.post(
    "",
    response_model=OrderDetail,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(404, 409, **{"200": "The same order was placed before: nothing new"}),
    dependencies=ACTING,
)
async def place_order(body: PlaceOrder, principal: CurrentPrincipal, uow: UowDep, response: Response) -> OrderDetail:
    """Place an order on a manual store: lines by catalog product UID with design file URLs, or
    by a SKU mapped in the store, and the shipping address. Idempotent on the reference."""
    created, view = await manual.place_order(body.store_id, body.to_draft(), viewer=viewer_of(principal), uow=uow)
    if not created:
        response.status_code = status.HTTP_200_OK
    return OrderDetail.of_view(view.order, view.history)


def _runtime(request: Request) -> Any:
    return request.app.state.runtime


@imports.post(
    "",
    response_model=ImportJobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(400, 404, 409, 413),
    dependencies=ACTING,
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}},
)
async def import_orders(
    request: Request,
    principal: CurrentPrincipal,
    uow: UowDep,
    store_id: Annotated[str, Query(max_length=64, description="The manual store to import into")],
    runtime: Annotated[Any, Depends(_runtime)],
) -> ImportJobPublic:
    """Import orders from a CSV file (the request body; columns in the service's README): answers
    with the job at once; GET /order-imports/{id} gives its progress and its report of bad rows."""
    content = await request.body()
    viewer = viewer_of(principal)
    job, parsed = await manual.start_import(store_id, content, viewer=viewer, uow=uow)
    if job.status == "running":
        task = asyncio.create_task(manual.run_import(job.id, parsed, new_uow=runtime.uow, actor_name=viewer.name))
        _running.add(task)
        task.add_done_callback(_running.discard)
    return ImportJobPublic.of(job)


@imports.get("/{job_id}", response_model=ImportJobPublic, responses=problem_responses(404))
async def get_import(job_id: str, principal: CurrentPrincipal, uow: UowDep) -> ImportJobPublic:
    """An import's progress and its report: each bad row by its line in the file and its column."""
    return ImportJobPublic.of(await manual.get_import(job_id, viewer=viewer_of(principal), uow=uow))
