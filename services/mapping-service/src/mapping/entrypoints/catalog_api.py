"""HTTP routes of the catalog. Anyone signed in reads it (clients choose from it); operators change it."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status

from mapping.adapters.clock import SystemClock
from mapping.domain.catalog import PRODUCT_TYPES
from mapping.domain.catalog_csv import catalog_csv
from mapping.domain.errors import ReportedProblems
from mapping.entrypoints.deps import UowDep, decode_cursor, encode_cursor
from mapping.entrypoints.schemas import (
    CatalogImportReport,
    CatalogPage,
    CatalogProductCreate,
    CatalogProductPublic,
    CatalogProductUpdate,
)
from mapping.handlers import catalog as handlers
from service_runtime.auth import CurrentPrincipal, require_roles
from service_runtime.problems import problem_responses
from service_runtime.translated_problems import request_locale

router = APIRouter(prefix="/catalog", tags=["catalog"])
operators = [Depends(require_roles("operator"))]
clock = SystemClock()


@router.get("/products", response_model=CatalogPage, responses=problem_responses(400))
async def list_products(
    uow: UowDep,
    principal: CurrentPrincipal,
    search: Annotated[str | None, Query(max_length=200, description="Part of the UID or title")] = None,
    product_type: Annotated[str | None, Query(alias="type", pattern=f"^({'|'.join(PRODUCT_TYPES)})$")] = None,
    status_filter: Annotated[Literal["active", "retired", "all"], Query(alias="status")] = "active",
    cursor: Annotated[str | None, Query(max_length=600)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CatalogPage:
    """The catalog by UID, a page at a time; retired products only under ?status=retired or all."""
    after = decode_cursor(cursor, 1)
    products = await handlers.list_products(
        uow=uow,
        text=search,
        product_type=product_type,
        status=status_filter,
        after=after[0] if after else None,
        limit=limit + 1,
    )
    page = products[:limit]
    next_cursor = encode_cursor(page[-1].uid) if len(products) > limit else None
    return CatalogPage(items=[CatalogProductPublic.of(p) for p in page], next_cursor=next_cursor)


@router.get("/products.csv", response_class=Response, dependencies=operators)
async def export_catalog(uow: UowDep) -> Response:
    """The whole catalog (retired products included) as the CSV that /catalog/import takes."""
    products = []
    after: str | None = None
    while batch := await handlers.list_products(
        uow=uow, text=None, product_type=None, status="all", after=after, limit=1000
    ):
        products += batch
        after = batch[-1].uid
    return Response(
        catalog_csv(products),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="catalog.csv"'},
    )


@router.get("/products/{uid}", response_model=CatalogProductPublic, responses=problem_responses(404))
async def get_product(uid: str, uow: UowDep, principal: CurrentPrincipal) -> CatalogProductPublic:
    return CatalogProductPublic.of(await handlers.get_product(uid, uow=uow))


@router.post(
    "/products",
    status_code=status.HTTP_201_CREATED,
    response_model=CatalogProductPublic,
    dependencies=operators,
    responses=problem_responses(409),
)
async def create_product(body: CatalogProductCreate, uow: UowDep) -> CatalogProductPublic:
    product = await handlers.create_product(
        body.product_uid, title=body.title, attributes=body.attributes, spec=body.spec(), uow=uow, clock=clock
    )
    return CatalogProductPublic.of(product)


@router.patch(
    "/products/{uid}", response_model=CatalogProductPublic, dependencies=operators, responses=problem_responses(404)
)
async def update_product(uid: str, body: CatalogProductUpdate, uow: UowDep) -> CatalogProductPublic:
    """Change the fields sent; a print spec is sent whole. ``active: true`` brings a retired product back."""
    product = await handlers.update_product(
        uid,
        title=body.title,
        attributes=body.attributes,
        spec=body.print_spec.spec() if body.print_spec else None,
        active=body.active,
        uow=uow,
        clock=clock,
    )
    return CatalogProductPublic.of(product)


@router.post(
    "/products/{uid}/retire",
    response_model=CatalogProductPublic,
    dependencies=operators,
    responses=problem_responses(404),
)
async def retire_product(uid: str, uow: UowDep) -> CatalogProductPublic:
    """Retire a product: it can no longer be chosen; the mappings to it break (their clients are told)."""
    return CatalogProductPublic.of(await handlers.retire_product(uid, uow=uow, clock=clock))


@router.post(
    "/import",
    response_model=CatalogImportReport,
    dependencies=operators,
    responses=problem_responses(
        400, 413, 422, **{"422": "Not a CSV, required columns missing, or bad lines (each named by line and column)"}
    ),
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}},
)
async def import_catalog(request: Request, uow: UowDep) -> CatalogImportReport:
    """Add or change catalog products from a CSV file (the body, ``text/csv``): columns
    product_uid, title, attributes (size=M|colour=White), formats (png|pdf), min_dpi, width_mm,
    height_mm, bleed_mm, print_files (front|back), active. All lines or none: a refused file
    answers 422 with each bad line and column. The same file again changes nothing."""
    try:
        result = await handlers.import_catalog(await request.body(), uow=uow, clock=clock)
    except ReportedProblems as error:
        raise error.in_locale(request_locale(request)) from None
    return CatalogImportReport(rows=result.rows, added=result.added, changed=result.changed)
