"""Webhooks in: verified, de-duplicated and made durable in one transaction.

The delivery row (its de-duplication key and raw body), the canonical events in the outbox and
any change of the store commit together before the platform gets its 2xx: an acknowledged
order is never lost (the relay publishes it when Kafka is reachable) and a delivery repeated by
the platform changes nothing. A bad signature is refused (401) before anything is written."""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import structlog

from connector.domain import stores as rules
from connector.domain.errors import (
    PlatformNotSupported,
    StoreNotFound,
    WebhookNotAccepted,
    WebhookRefused,
    WebhookUnreadable,
)
from connector.domain.stores import Store
from connector.handlers.announcements import announced_first
from connector.handlers.stores import store_disconnected
from connector.handlers.webhook_groups import GroupedWebhook, WebhookGroups
from connector.handlers.webhook_stores import KnownStore, WebhookStores
from connector.ports import (
    Clock,
    Platforms,
    ShopConnection,
    ShopPlatform,
    UnitOfWork,
    Vault,
    WebhookDelivery,
    WebhookOutcome,
    WebhookReceipt,
)
from service_runtime.correlation import current_correlation_id
from storefront_events import OrderReceived

log = structlog.get_logger()


@dataclass(frozen=True)
class WebhookAnswer:
    """What to answer, and what to start once committed (products to sync again)."""

    status: str  # accepted, duplicate, unreadable
    store_id: str | None = None
    reply: Mapping[str, object] | None = None
    products_to_sync: Sequence[str] = field(default_factory=tuple)


async def receive_webhook(
    platform: str,
    store_id: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    uow: UnitOfWork,
    platforms: Platforms,
    vault: Vault,
    clock: Clock,
    known: WebhookStores | None = None,
    groups: WebhookGroups | None = None,
) -> WebhookAnswer:
    """A webhook delivered to the address registered for one store. ``known``: the stores read
    lately, with their credentials opened (an order webhook then reads neither again).
    ``groups``: an order webhook of a store known is made durable together with the webhooks
    that arrive with it (webhook_groups.py) rather than in a transaction of its own."""
    try:
        adapter = platforms.adapter(platform)
    except PlatformNotSupported:
        raise StoreNotFound("store_not_found", store_id=store_id) from None
    receipt = adapter.read_webhook(headers)
    addressed = _known(known, adapter, platform, store_id, body, headers, receipt)
    derived = _derived(adapter, addressed.connection, receipt, body) if addressed is not None else None
    if groups is not None and addressed is not None and derived is not None:
        grouped = _grouped(addressed.store, receipt, body, derived, now=clock.now())
        if grouped is not None:
            return await _record_grouped(groups, grouped, derived.outcome)
    async with uow:
        if addressed is None:
            addressed = await _addressed(uow, vault, known, platform, store_id)
            _verify(adapter, addressed.connection, body, headers, receipt)
        store, connection = addressed.store, addressed.connection
        answer = await _apply(adapter, connection, store, receipt, body, uow=uow, clock=clock, derived=derived)
        if answer.status != "duplicate":
            await uow.commit()
    return answer


def _known(
    known: WebhookStores | None,
    adapter: ShopPlatform,
    platform: str,
    store_id: str,
    body: bytes,
    headers: Mapping[str, str],
    receipt: WebhookReceipt,
) -> KnownStore | None:
    """The store as read lately, the webhook verified with its credentials; None when it is not
    known here or its credentials do not verify the webhook (new ones this process has not
    seen yet: the caller reads the store again)."""
    addressed = known.get(store_id) if known is not None else None
    if known is None or addressed is None:
        return None
    if addressed.store.platform != platform:
        raise StoreNotFound("store_not_found", store_id=store_id)
    try:
        _verify(adapter, addressed.connection, body, headers, receipt)
    except WebhookRefused:
        known.forget(store_id)
        return None
    return addressed


@dataclass(frozen=True)
class _Derived:
    """What the webhook means (an unreadable one: nothing, and why)."""

    outcome: WebhookOutcome
    unreadable: WebhookUnreadable | None = None


def _derived(adapter: ShopPlatform, connection: ShopConnection, receipt: WebhookReceipt, body: bytes) -> _Derived:
    try:
        return _Derived(adapter.webhook_outcome(connection, receipt, body))
    except WebhookUnreadable as error:
        return _Derived(WebhookOutcome(), error)


def _grouped(
    store: Store, receipt: WebhookReceipt, body: bytes, derived: _Derived, *, now: datetime
) -> GroupedWebhook | None:
    """The webhook as one of a group, when all it asks is its delivery kept and its orders
    announced (orders in, order changes); None for the rest (unreadable, privacy, uninstall,
    products, cancellations), which take their own transaction."""
    outcome = derived.outcome
    if derived.unreadable is not None or outcome.privacy is not None or outcome.disconnect_reason is not None:
        return None
    if outcome.products_to_sync or not all(isinstance(event, OrderReceived) for event in outcome.events):
        return None
    if not store.takes_platform_webhooks:
        raise WebhookNotAccepted("webhook_store_not_accepting")
    correlation_id = current_correlation_id()
    orders = [
        event.model_copy(update={"correlation_id": correlation_id})
        if event.correlation_id is None and correlation_id
        else event
        for event in outcome.events
        if isinstance(event, OrderReceived)
    ]
    delivery = WebhookDelivery(
        store_id=store.id,
        delivery_id=_delivery_id(receipt, body),
        topic=receipt.topic,
        received_at=now,
        raw_body=body,
        platform_order_id=outcome.platform_order_id,
    )
    return GroupedWebhook(delivery, orders)


async def _record_grouped(groups: WebhookGroups, grouped: GroupedWebhook, outcome: WebhookOutcome) -> WebhookAnswer:
    delivery = grouped.delivery
    if not await groups.record(grouped):
        log.info(
            "webhook.duplicate", store_id=delivery.store_id, topic=delivery.topic, delivery_id=delivery.delivery_id
        )
        return WebhookAnswer(status="duplicate", store_id=delivery.store_id, reply=outcome.reply)
    return WebhookAnswer(status="accepted", store_id=delivery.store_id, reply=outcome.reply)


def _delivery_id(receipt: WebhookReceipt, body: bytes) -> str:
    return receipt.delivery_id or "sha256:" + hashlib.sha256(body).hexdigest()


async def receive_app_webhook(
    platform: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    uow: UnitOfWork,
    platforms: Platforms,
    vault: Vault,
    clock: Clock,
) -> list[WebhookAnswer]:
    """A webhook of the app as a whole (Shopify's privacy topics), for the shop its headers name:
    applied to every store connected to that shop, disconnected ones included."""
    adapter = platforms.adapter(platform)
    receipt = adapter.read_webhook(headers)
    async with uow:
        stores = await uow.stores.of_shop(adapter.platform, receipt.shop) if receipt.shop else []
        anonymous = ShopConnection(store_id="", client_id="", platform=adapter.platform, shop_url=receipt.shop)
        if not adapter.webhook_signed(anonymous, body, headers):
            raise WebhookRefused("webhook_signature_invalid")
        answers = []
        for store in stores:
            connection = await _connection(uow, vault, store)
            answers.append(await _apply(adapter, connection, store, receipt, body, uow=uow, clock=clock))
        await uow.commit()
    return answers


async def _addressed(
    uow: UnitOfWork, vault: Vault, known: WebhookStores | None, platform: str, store_id: str
) -> KnownStore:
    read = known.reading() if known is not None else 0
    store = await uow.stores.get(store_id)
    if store is None or store.platform != platform:
        raise StoreNotFound("store_not_found", store_id=store_id)
    addressed = KnownStore(store, await _connection(uow, vault, store))
    if known is not None:
        known.keep(addressed, read=read)
    return addressed


async def _connection(uow: UnitOfWork, vault: Vault, store: Store) -> ShopConnection:
    sealed = await uow.stores.sealed_credentials(store.id)
    return ShopConnection.of(store, vault.open(sealed) if sealed else None)


def _verify(
    adapter: ShopPlatform, connection: ShopConnection, body: bytes, headers: Mapping[str, str], receipt: WebhookReceipt
) -> None:
    if not adapter.webhook_signed(connection, body, headers):
        raise WebhookRefused("webhook_signature_invalid")
    if receipt.shop and connection.shop_url and receipt.shop.lower() != connection.shop_url.lower():
        raise WebhookRefused("webhook_other_shop")


async def _apply(
    adapter: ShopPlatform,
    connection: ShopConnection,
    store: Store,
    receipt: WebhookReceipt,
    body: bytes,
    *,
    uow: UnitOfWork,
    clock: Clock,
    derived: _Derived | None = None,
) -> WebhookAnswer:
    """``derived``: what the webhook means, when it was already read with ``connection``."""
    now = clock.now()
    derived = derived or _derived(adapter, connection, receipt, body)
    outcome, unreadable = derived.outcome, derived.unreadable
    if outcome.privacy is None and not store.takes_platform_webhooks:
        raise WebhookNotAccepted("webhook_store_not_accepting")
    delivery_id = _delivery_id(receipt, body)
    fresh = await uow.webhooks.record(
        WebhookDelivery(
            store_id=store.id,
            delivery_id=delivery_id,
            topic=receipt.topic,
            received_at=now,
            raw_body=body,
            platform_order_id=outcome.platform_order_id,
        )
    )
    if not fresh:
        log.info("webhook.duplicate", store_id=store.id, topic=receipt.topic, delivery_id=delivery_id)
        return WebhookAnswer(status="duplicate", store_id=store.id, reply=outcome.reply)
    if unreadable is not None:
        log.warning("webhook.unreadable", store_id=store.id, topic=receipt.topic, reason=unreadable.detail)
        await uow.stores.note_error(store.id, unreadable.key, unreadable.detail, now)
        return WebhookAnswer(status="unreadable", store_id=store.id)
    for event in outcome.events:
        if await announced_first(uow, event, at=now):
            uow.outbox.add(event)
    current = await uow.stores.get(store.id) if outcome.disconnect_reason else None  # not a kept copy
    if outcome.disconnect_reason and current is not None and current.status != "disconnected":
        gone = rules.disconnect(current, reason=outcome.disconnect_reason, now=now)
        await uow.stores.save(gone)
        await uow.stores.keep_credentials(store.id, None)
        uow.outbox.add(store_disconnected(gone))
    if outcome.privacy is not None:
        await _privacy(uow, store, outcome)
    return WebhookAnswer(
        status="accepted", store_id=store.id, reply=outcome.reply, products_to_sync=tuple(outcome.products_to_sync)
    )


async def _privacy(uow: UnitOfWork, store: Store, outcome: WebhookOutcome) -> None:
    """What we hold of a shop's customers is the raw bodies of their orders' webhooks (the
    orders themselves live on in order-intake, which answers for them)."""
    request = outcome.privacy
    assert request is not None
    if request.kind == "customer_redact":
        erased = await uow.webhooks.erase_bodies(store.id, list(request.platform_order_ids))
        log.info("privacy.customer_redacted", store_id=store.id, orders=len(request.platform_order_ids), erased=erased)
    elif request.kind == "shop_redact":
        erased = await uow.webhooks.erase_bodies(store.id, None)
        await uow.stores.keep_credentials(store.id, None)
        log.info("privacy.shop_redacted", store_id=store.id, erased=erased)
    else:
        held = await uow.webhooks.bodies_held(store.id, list(request.platform_order_ids))
        log.warning(
            "privacy.customer_data_requested",
            store_id=store.id,
            client_id=store.client_id,
            orders=list(request.platform_order_ids),
            webhook_bodies_held=held,
            action="send the customer the orders' data within 30 days",
        )
