"""Webhooks in: verified, de-duplicated and made durable before they are answered.

An order, cancellation or product webhook is stored (its de-duplication key, raw body and
correlation id) and answered once committed; its events are derived from the stored body
afterwards, exactly once, by the deriving stage (webhook_deriving.py), whose outbox rows the
relay publishes: an acknowledged order is never lost (it is in the database before the 2xx)
and a delivery repeated by the platform changes nothing. The other webhooks (uninstall,
privacy, WooCommerce's ping, Pressero) are applied in the transaction that records them. A bad
signature is refused (401) before anything is written."""

import hashlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
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
    correlation_id: str | None = None,
    stored: Callable[[], None] | None = None,
) -> WebhookAnswer:
    """A webhook delivered to the address registered for one store. ``known``: the stores read
    lately, with their credentials opened (a webhook then reads neither again). A webhook whose
    meaning the platform's adapter lets us derive later (orders, cancellations, products) is
    only stored, raw body and all, and answered: the deriving stage (webhook_deriving.py)
    derives its events. ``groups``: such a webhook of a store known is made durable together
    with the webhooks that arrive with it (webhook_groups.py) rather than in a transaction of
    its own. ``stored``: called once a webhook to derive later is committed outside a group.
    ``correlation_id``: the request's (else the one bound to the logs)."""
    try:
        adapter = platforms.adapter(platform)
    except PlatformNotSupported:
        raise StoreNotFound("store_not_found", store_id=store_id) from None
    receipt = adapter.read_webhook(headers)
    later = adapter.derived_later(receipt)
    addressed = _known(known, adapter, platform, store_id, body, headers, receipt)
    if addressed is None and known is not None and await known.read_elsewhere(store_id):
        addressed = _known(known, adapter, platform, store_id, body, headers, receipt)  # what that read kept
    if later and groups is not None and addressed is not None:
        delivery = _pending(addressed.store, receipt, body, now=clock.now(), correlation_id=correlation_id)
        return _taken(delivery, await groups.record(GroupedWebhook(delivery)))
    reading = known.start_read(store_id) if known is not None and addressed is None else None
    try:
        async with uow:
            if addressed is None:
                addressed = await _addressed(uow, vault, known, platform, store_id)
                if known is not None and reading is not None:
                    known.end_read(store_id, reading)  # the webhooks waiting for this read go on
                _verify(adapter, addressed.connection, body, headers, receipt)
            store, connection = addressed.store, addressed.connection
            if later:
                delivery = _pending(store, receipt, body, now=clock.now(), correlation_id=correlation_id)
                answer = _taken(delivery, await uow.webhooks.record(delivery))
            else:
                answer = await _apply(adapter, connection, store, receipt, body, uow=uow, clock=clock)
            if answer.status != "duplicate":
                await uow.commit()
    finally:
        if known is not None and reading is not None:
            known.end_read(store_id, reading)
    if later and answer.status != "duplicate" and stored is not None:
        stored()
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


def _pending(
    store: Store, receipt: WebhookReceipt, body: bytes, *, now: datetime, correlation_id: str | None
) -> WebhookDelivery:
    """The delivery of a webhook whose meaning is derived later."""
    if not store.takes_platform_webhooks:
        raise WebhookNotAccepted("webhook_store_not_accepting")
    return WebhookDelivery(
        store_id=store.id,
        delivery_id=_delivery_id(receipt, body),
        topic=receipt.topic,
        received_at=now,
        raw_body=body,
        correlation_id=correlation_id or current_correlation_id(),
        pending=True,
    )


def _taken(delivery: WebhookDelivery, fresh: bool) -> WebhookAnswer:
    if not fresh:
        log.info(
            "webhook.duplicate", store_id=delivery.store_id, topic=delivery.topic, delivery_id=delivery.delivery_id
        )
        return WebhookAnswer(status="duplicate", store_id=delivery.store_id)
    return WebhookAnswer(status="accepted", store_id=delivery.store_id)


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
    derive_first: Callable[[], Awaitable[object]] | None = None,
) -> list[WebhookAnswer]:
    """A webhook of the app as a whole (Shopify's privacy topics), for the shop its headers name:
    applied to every store connected to that shop, disconnected ones included. ``derive_first``:
    derives the webhooks stored and not derived yet, so that a privacy request finds every
    order body taken before it by its order id."""
    adapter = platforms.adapter(platform)
    receipt = adapter.read_webhook(headers)
    async with uow:
        stores = await uow.stores.of_shop(adapter.platform, receipt.shop) if receipt.shop else []
        anonymous = ShopConnection(store_id="", client_id="", platform=adapter.platform, shop_url=receipt.shop)
        if not adapter.webhook_signed(anonymous, body, headers):
            raise WebhookRefused("webhook_signature_invalid")
    if stores and derive_first is not None:
        await derive_first()
    async with uow:
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
) -> WebhookAnswer:
    """A webhook applied before it is answered (uninstall, privacy, pings, Pressero): its
    delivery recorded and what it means, in the caller's transaction."""
    now = clock.now()
    derived = _derived(adapter, connection, receipt, body)
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
