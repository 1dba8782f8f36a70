"""What stored webhooks mean, derived after they were acknowledged: the deriving stage.

The webhook endpoint stores an order, cancellation or product webhook (raw body, webhook id)
and answers; here a batch of the deliveries still to be derived, oldest first, becomes their
events (OrderReceived once per store and order, OrderCancelledInStore once, products to sync
again) in ONE transaction that also marks them derived: a delivery is derived exactly once,
and one stored just before a crash is derived after the restart. Only one process derives at
a time (the repository says so: ``take_pending`` answers None while another one does), so a
shop's webhooks are derived in the order they were stored.

A body the platform's adapter cannot turn into events (unreadable, or anything the adapter
raises) is parked: kept with its raw body, said on the store's health (why, by message key),
not taken again until it is retried (handlers/parked_webhooks.py), and the others of its batch
are derived all the same. A batch the database refuses is derived
again one delivery at a time by the caller (entrypoints/webhook_deriving.py), which parks the
one at fault."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import structlog

from connector.domain import parked_webhooks as parking
from connector.domain.errors import PlatformNotSupported, WebhookUnreadable
from connector.domain.parked_webhooks import ParkReason
from connector.handlers.announcements import announced_first
from connector.handlers.webhook_stores import KnownStore, WebhookStores
from connector.ports import (
    Clock,
    PendingWebhook,
    Platforms,
    ShopConnection,
    ShopPlatform,
    UnitOfWork,
    Vault,
    WebhookReceipt,
)
from storefront_events import Event, OrderReceived

log = structlog.get_logger()


@dataclass
class Derivation:
    """What one batch did."""

    busy: bool = False  # another process was deriving: nothing taken
    taken: int = 0
    derived: int = 0
    parked: int = 0
    events: int = 0
    products_to_sync: dict[str, list[str]] = field(default_factory=dict)  # store id → platform product ids


async def derive_pending(
    *,
    uow: UnitOfWork,
    platforms: Platforms,
    vault: Vault,
    clock: Clock,
    limit: int,
    known: WebhookStores | None = None,
    ids: Sequence[int] | None = None,
    park_all: str | None = None,
    taken: list[int] | None = None,
) -> Derivation:
    """One batch: up to ``limit`` deliveries still to be derived (``ids``: only those), their
    events in the outbox, each marked derived or parked, in one transaction. ``park_all``:
    park the deliveries taken with this reason instead (one the database refused alone).
    ``taken``: given the ids of the deliveries taken, before anything is written (so that a
    batch the database refuses can be derived again one delivery at a time)."""
    done = Derivation()
    async with uow:
        pending = await uow.webhooks.take_pending(limit, ids=ids)
        if pending is None:
            return Derivation(busy=True)
        if not pending:
            return done
        done.taken = len(pending)
        if taken is not None:
            taken.extend(webhook.id for webhook in pending)
        now = clock.now()
        if park_all is not None:
            await _park(uow, pending, park_all, now=now)
            done.parked = len(pending)
            await uow.commit()
            return done
        readers: dict[str, tuple[ShopPlatform, ShopConnection] | None] = {}
        derived: list[tuple[int, str | None]] = []
        parked: list[tuple[int, ParkReason]] = []
        noted: dict[str, WebhookUnreadable] = {}
        events: list[Event] = []
        for webhook in pending:
            if webhook.store_id not in readers:
                readers[webhook.store_id] = await _reader(uow, vault, platforms, known, webhook.store_id)
            reader = readers[webhook.store_id]
            if reader is None:
                parked.append((webhook.id, parking.store_gone()))
                continue
            if webhook.raw_body is None:  # erased by a privacy request before it was derived
                derived.append((webhook.id, None))
                continue
            adapter, connection = reader
            try:
                outcome = adapter.webhook_outcome(
                    connection, WebhookReceipt(topic=webhook.topic, delivery_id=webhook.delivery_id), webhook.raw_body
                )
            except WebhookUnreadable as error:
                parked.append((webhook.id, parking.unreadable(error)))
                noted[webhook.store_id] = error
                continue
            except Exception as error:  # the adapter choked on this body: parked, the others flow
                log.exception("webhook.not_derived", store_id=webhook.store_id, delivery_id=webhook.delivery_id)
                parked.append((webhook.id, parking.not_derived(f"{type(error).__name__}: {error}")))
                noted[webhook.store_id] = WebhookUnreadable(parking.NOT_DERIVED)
                continue
            derived.append((webhook.id, outcome.platform_order_id))
            events.extend(_correlated(event, webhook) for event in outcome.events)
            if outcome.products_to_sync:
                done.products_to_sync.setdefault(webhook.store_id, []).extend(outcome.products_to_sync)
        done.events = await _announce(uow, events, at=now)
        await uow.webhooks.mark_derived(derived, at=now)
        await uow.webhooks.park(parked, at=now)
        for store_id, unreadable in noted.items():
            log.warning("webhook.unreadable", store_id=store_id, reason=unreadable.detail)
            await uow.stores.note_error(store_id, unreadable.key, unreadable.detail, now)
        await uow.commit()
    done.derived, done.parked = len(derived), len(parked)
    return done


async def _reader(
    uow: UnitOfWork, vault: Vault, platforms: Platforms, known: WebhookStores | None, store_id: str
) -> tuple[ShopPlatform, ShopConnection] | None:
    """The store's adapter and connection, whatever the store's status now (a webhook taken
    while it was connected is derived even if it was disconnected since). A store read here is
    kept in ``known`` as the webhook front keeps it (where the front runs in a process of its
    own, the deriving stage read the store and opened its credentials again for every batch)."""
    addressed = known.get(store_id) if known is not None else None
    read = known.reading() if known is not None else 0
    store = addressed.store if addressed is not None else await uow.stores.get(store_id)
    if store is None:
        return None
    try:
        adapter = platforms.adapter(store.platform)
    except PlatformNotSupported:
        return None
    if addressed is not None:
        return adapter, addressed.connection
    sealed = await uow.stores.sealed_credentials(store.id)
    connection = ShopConnection.of(store, vault.open(sealed) if sealed else None)
    if known is not None:
        known.keep(KnownStore(store, connection), read=read)
    return adapter, connection


def _correlated(event: Event, webhook: PendingWebhook) -> Event:
    if event.correlation_id is None and webhook.correlation_id:
        return event.model_copy(update={"correlation_id": webhook.correlation_id})
    return event


async def _announce(uow: UnitOfWork, events: Sequence[Event], *, at: datetime) -> int:
    """Orders first, in one statement (each once per store and order), then the rest in order
    (a cancellation once): an order and its cancellation in one batch go out in that order."""
    orders = [event for event in events if isinstance(event, OrderReceived)]
    firsts = await uow.intake.announce_orders([(o.store_id, o.platform_order_id, at) for o in orders])
    added = 0
    for order, first in zip(orders, firsts, strict=True):
        if first:
            uow.outbox.add(order)
            added += 1
    for event in events:
        if not isinstance(event, OrderReceived) and await announced_first(uow, event, at=at):
            uow.outbox.add(event)
            added += 1
    return added


async def _park(uow: UnitOfWork, pending: Sequence[PendingWebhook], reason: str, *, now: datetime) -> None:
    await uow.webhooks.park([(webhook.id, parking.not_derived(reason)) for webhook in pending], at=now)
    for store_id in {webhook.store_id for webhook in pending}:
        error = WebhookUnreadable(parking.NOT_DERIVED)
        log.warning("webhook.parked", store_id=store_id, reason=reason)
        await uow.stores.note_error(store_id, error.key, error.detail, now)
