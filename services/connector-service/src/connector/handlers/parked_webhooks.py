"""A store's parked webhooks: the ones the deriving stage could not read, listed for whoever may
see the store, and retried (all, or one by its webhook id) by whoever may manage it, once the
cause is fixed. Retrying un-parks them: the deriving stage takes them again, and what they carry
goes through the same de-duplication as any webhook (an order already announced, by another
delivery or by a reconciliation, is not announced again). Retrying what is not parked changes
nothing."""

from collections.abc import Callable
from dataclasses import dataclass

import structlog

from connector.domain.access import Viewer
from connector.domain.errors import ParkedWebhookNotFound
from connector.domain.parked_webhooks import PARKING_KEYS, ParkedWebhook
from connector.handlers.stores import load_managed, load_visible
from connector.ports import Clock, UnitOfWork

log = structlog.get_logger()


@dataclass(frozen=True)
class ParkedPage:
    items: list[ParkedWebhook]
    total: int  # parked in all
    waiting: int  # still to be derived (retried and not taken yet, or just received)
    more: bool


async def list_parked(viewer: Viewer, store_id: str, *, after: int | None, limit: int, uow: UnitOfWork) -> ParkedPage:
    async with uow:
        store = await load_visible(uow, viewer, store_id)
        # waiting first: each statement sees the latest commits, and a webhook only ever goes
        # from waiting to derived or parked. Read after the list, a webhook parked again in
        # between was in neither, and a retry's outcome counted it as taken in
        waiting = await uow.webhooks.waiting(store.id)
        found = await uow.webhooks.parked_of(store.id, after=after, limit=limit + 1)
        total = await uow.webhooks.parked(store.id)
    return ParkedPage(items=found[:limit], total=total, waiting=waiting, more=len(found) > limit)


async def retry_parked(
    viewer: Viewer,
    store_id: str,
    *,
    webhook_id: str | None,
    uow: UnitOfWork,
    clock: Clock,
    derive: Callable[[], None] | None = None,
) -> list[str]:
    """Un-parks the store's parked webhooks (``webhook_id``: that one only); the webhook ids
    retried. An id the store never held is not found; one not parked (any more) is left as it
    is. ``derive``: wakes the deriving stage once committed."""
    async with uow:
        store = await load_managed(uow, viewer, store_id)
        retried = await uow.webhooks.unpark(store.id, None if webhook_id is None else [webhook_id])
        if webhook_id is not None and not retried and not await uow.webhooks.held(store.id, webhook_id):
            raise ParkedWebhookNotFound("parked_webhook_not_found", webhook_id=webhook_id)
        if retried and (await uow.stores.notes(store.id)).last_error in PARKING_KEYS:
            # said again if one is parked again; else the store's health no longer asks for it
            await uow.stores.note_error(store.id, None, None, clock.now())
        await uow.commit()
    if retried:
        log.info("webhooks.retried", store_id=store_id, webhooks=len(retried))
        if derive is not None:
            derive()
    return retried
