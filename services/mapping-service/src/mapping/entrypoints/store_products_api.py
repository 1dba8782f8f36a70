"""HTTP routes of a store's products and their mapping state. Operators see every store;
a client's users their client's stores; a store manager only the stores of its token."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from mapping.domain.store_products import Viewer
from mapping.entrypoints.deps import UowDep, decode_cursor, encode_cursor
from mapping.entrypoints.schemas import StoreProductsPage, StoreVariantPublic
from mapping.handlers.store_products import list_store_products
from service_runtime.auth import CurrentPrincipal, Principal
from service_runtime.problems import problem_responses

router = APIRouter(prefix="/stores/{store_id}", tags=["store products"])


def viewer_of(principal: Principal) -> Viewer:
    return Viewer(role=principal.role, client_id=principal.client_id, store_ids=tuple(principal.store_ids))


@router.get("/products", response_model=StoreProductsPage, responses=problem_responses(400, 404))
async def list_products(
    store_id: str,
    uow: UowDep,
    principal: CurrentPrincipal,
    state: Annotated[Literal["mapped", "unmapped", "broken"] | None, Query(description="Mapping state")] = None,
    search: Annotated[str | None, Query(max_length=200, description="Part of a title or SKU")] = None,
    product_id: Annotated[str | None, Query(max_length=100, description="One shop product's variants")] = None,
    cursor: Annotated[str | None, Query(max_length=600)] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Products per page (each with all its variants)")] = 100,
) -> StoreProductsPage:
    """Every variant of the store's products with its mapping state (mapped, unmapped, broken),
    by product and variant id, a page of whole products at a time (a product is never split
    between two pages). Removed variants appear only while their mapping is broken."""
    after = decode_cursor(cursor, 1)
    found = await list_store_products(
        store_id,
        viewer_of(principal),
        uow=uow,
        state=state,
        text=search,
        product_id=product_id,
        after=after[0] if after else None,
        products=limit + 1,
    )
    product_ids = list(dict.fromkeys(v.platform_product_id for v, _ in found))
    kept = set(product_ids[:limit])
    page = [(v, m) for v, m in found if v.platform_product_id in kept]
    next_cursor = encode_cursor(product_ids[limit - 1]) if len(product_ids) > limit else None
    return StoreProductsPage(items=[StoreVariantPublic.of(v, m) for v, m in page], next_cursor=next_cursor)
