"""A unit of work is freed as soon as it is dropped, not by the cyclic collector: at 500
orders/s the connector's full collections found about 250 units of work every 5 s (each kept by
a reference cycle through its store repository) with the events they held, and every full
collection is a pause of the event loop, webhook answers included."""

import gc
import weakref
from dataclasses import replace

from .shops import connected_shopify_store


async def test_a_unit_of_work_that_changed_a_store_is_freed_when_dropped(runtime):
    store = await connected_shopify_store(runtime, client_id="client-freed", shop="freed.myshopify.com")
    gc.collect()
    gc.disable()
    try:
        uow = runtime.uow()
        async with uow:
            found = await uow.stores.get(store.id, for_update=True)
            await uow.stores.save(replace(found, name="Renamed"))  # the store cache is told, now and after the commit
            await uow.commit()
        held = weakref.ref(uow)
        del uow
        assert held() is None  # freed by its reference count alone
    finally:
        gc.enable()
    async with runtime.uow() as uow:
        assert (await uow.stores.get(store.id)).name == "Renamed"
