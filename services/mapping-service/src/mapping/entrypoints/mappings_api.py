"""HTTP routes that connect a store product's variants to the catalog, undo it, and show
the audit. Only the client's admin and store managers (of their token's stores) change mappings."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from mapping.domain.errors import ReportedProblems
from mapping.domain.mappings import DesignFile, VariantChoice
from mapping.entrypoints.deps import RuntimeDep, UowDep
from mapping.entrypoints.schemas import ConnectedProduct, ConnectProduct, MappingChange, StoreVariantPublic
from mapping.entrypoints.store_products_api import viewer_of
from mapping.handlers import mappings as handlers
from service_runtime.auth import CurrentPrincipal, Principal
from service_runtime.problems import problem_responses
from service_runtime.translated_problems import request_locale

router = APIRouter(prefix="/stores/{store_id}/products", tags=["mappings"])


def actor_of(principal: Principal) -> handlers.Actor:
    return handlers.Actor(viewer=viewer_of(principal), subject=principal.subject)


@router.put(
    "/{product_id:path}/mapping",
    response_model=ConnectedProduct,
    responses=problem_responses(
        403, 404, 422, **{"422": "A choice is refused: `errors` names each variant and design file with the reason"}
    ),
)
async def connect_product(
    store_id: str,
    product_id: str,
    body: ConnectProduct,
    request: Request,
    uow: UowDep,
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
) -> ConnectedProduct:
    """Connect variants of a store product to catalog products: per variant the catalog UID,
    a design file URL per print file (front, back, ...) and print options. The UID must exist
    and be active, the variant's size/colour/paper must match the catalog product's, and each
    design file is downloaded (SSRF-guarded, size and time limits) and checked by its content:
    format accepted by the catalog product, resolution enough for its print area. All variants
    or none; the same choice again changes nothing."""
    choices = [
        VariantChoice(
            platform_variant_id=v.platform_variant_id,
            product_uid=v.product_uid.strip(),
            files=tuple(DesignFile(f.type.strip().lower(), f.url.strip()) for f in v.print_files),
            print_options=v.print_options,
        )
        for v in body.variants
    ]
    try:
        listed = await handlers.connect_product(
            store_id,
            product_id,
            choices,
            actor=actor_of(principal),
            uow=uow,
            design_files=runtime.design_files,
            clock=runtime.clock,
            concurrency=runtime.settings.design_file_concurrency,
        )
    except ReportedProblems as error:
        raise error.in_locale(request_locale(request)) from None
    return ConnectedProduct(platform_product_id=product_id, variants=[StoreVariantPublic.of(v, m) for v, m in listed])


@router.delete(
    "/{product_id:path}/mapping", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(403, 404)
)
async def unmap(
    store_id: str,
    product_id: str,
    uow: UowDep,
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
    variant_id: Annotated[
        list[str] | None, Query(max_length=500, description="The variants to unmap (all: none given)")
    ] = None,
) -> Response:
    """Disconnect variants (or every variant) of a store product from the catalog: ProductUnmapped each."""
    await handlers.unmap(store_id, product_id, variant_id, actor=actor_of(principal), uow=uow, clock=runtime.clock)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{product_id:path}/mapping-history", response_model=list[MappingChange], responses=problem_responses(404))
async def mapping_history(
    store_id: str, product_id: str, uow: UowDep, principal: CurrentPrincipal
) -> list[MappingChange]:
    """Every mapping change of the product's variants: who, when, what it was before and after."""
    found = await handlers.mapping_history(store_id, product_id, viewer=viewer_of(principal), uow=uow)
    return [MappingChange.model_validate(change) for change in found]
