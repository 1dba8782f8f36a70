"""Reading a store's products with their mapping state, for those who may see the store."""

from mapping.domain.errors import StoreNotFound
from mapping.domain.mappings import Mapping
from mapping.domain.store_products import MappingState, Store, StoreVariant, Viewer
from mapping.ports import UnitOfWork


async def visible_store(store_id: str, viewer: Viewer, *, uow: UnitOfWork) -> Store:
    """The store, if the viewer may see it; else the same 404 as for an unknown store (never a
    hint that another client's store exists)."""
    store = await uow.stores.get(store_id)
    if store is None or not viewer.may_see(store):
        raise StoreNotFound("store_not_found", store_id=store_id)
    return store


async def list_store_products(
    store_id: str,
    viewer: Viewer,
    *,
    uow: UnitOfWork,
    state: MappingState | None,
    text: str | None,
    product_id: str | None,
    after: str | None,
    products: int,
) -> list[tuple[StoreVariant, Mapping | None]]:
    """The variants of up to ``products`` whole products after the product id ``after``."""
    async with uow:
        await visible_store(store_id, viewer, uow=uow)
        return await uow.store_products.listing(
            store_id, state=state, text=text, product_id=product_id, after=after, products=products
        )
