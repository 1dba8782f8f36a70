"""HTTP routes of bulk mapping by CSV: export a store's variants, import the filled file as a
job, follow its progress and read its report."""

import asyncio
from typing import Annotated, cast

from fastapi import APIRouter, Query, Request, Response, status

from mapping.entrypoints.deps import RuntimeDep, UowDep
from mapping.entrypoints.mappings_api import actor_of
from mapping.entrypoints.schemas import ImportJobPublic
from mapping.entrypoints.store_products_api import viewer_of
from mapping.handlers import mapping_import as handlers
from mapping.messages import CATALOG
from mapping.ports import UnitOfWork
from service_runtime.auth import CurrentPrincipal
from service_runtime.problems import problem_responses
from service_runtime.translated_problems import request_locale

router = APIRouter(prefix="/stores/{store_id}", tags=["bulk mapping"])
_running: set[asyncio.Task[object]] = set()  # import jobs in this process (kept referenced until done)


@router.get("/products/export", response_class=Response, responses=problem_responses(404))
async def export_products(store_id: str, uow: UowDep, principal: CurrentPrincipal) -> Response:
    """Every variant of the store: ids, titles, options, SKU, and product_uid and
    design_file_url (plus design_file_url_<print file> for the others) filled where mapped.
    Fill the empty ones and import the file."""
    content = await handlers.export_store_products(store_id, viewer_of(principal), uow=uow)
    return Response(
        content.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="store-{store_id}-products.csv"'},
    )


@router.post(
    "/products/import",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ImportJobPublic,
    responses=problem_responses(
        400, 403, 404, 413, 422, **{"422": "Not a CSV (UTF-8), or a required column is missing: nothing changed"}
    ),
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}},
)
async def import_products(
    store_id: str,
    request: Request,
    uow: UowDep,
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
    all_or_nothing: Annotated[bool, Query(description="Apply nothing when a row is refused")] = False,
) -> ImportJobPublic:
    """Map variants from a CSV (the body, text/csv: the export, filled in). Answers at once
    with a job; GET its `progress` until `status` is done: each bad row is reported by line
    and column, the valid rows are applied (or none with ?all_or_nothing=true). Importing the
    same file again changes nothing. UTF-8 with or without BOM, comma or semicolon."""
    actor = actor_of(principal)
    started = await handlers.start_import(
        store_id,
        await request.body(),
        actor=actor,
        all_or_nothing=all_or_nothing,
        uow=uow,
        clock=runtime.clock,
    )
    factory = request.app.state.runtime.uow
    task: asyncio.Task[object] = asyncio.create_task(
        handlers.run_import(
            started,
            actor=actor,
            uow_factory=lambda: cast(UnitOfWork, factory()),
            design_files=runtime.design_files,
            clock=runtime.clock,
            concurrency=runtime.settings.design_file_concurrency,
        )
    )
    _running.add(task)
    task.add_done_callback(_running.discard)
    return ImportJobPublic.of(started.job, request_locale(request), CATALOG)


@router.get("/product-imports/{job_id}", response_model=ImportJobPublic, responses=problem_responses(404))
async def get_import(
    store_id: str, job_id: str, request: Request, uow: UowDep, principal: CurrentPrincipal
) -> ImportJobPublic:
    """An import's progress, then its report: each refused row by line and column, with why."""
    job = await handlers.get_import(store_id, job_id, viewer_of(principal), uow=uow)
    return ImportJobPublic.of(job, request_locale(request), CATALOG)
