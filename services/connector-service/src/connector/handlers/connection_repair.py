"""Connection repair (connections break silently: WooCommerce disables a webhook after failed
deliveries, Shopify deletes a subscription after hours of retries, tokens expire, apps are
removed). On a schedule each connected store's credentials and webhook subscriptions are checked
with its platform: missing subscriptions are registered again; a refusal we cannot repair puts
the store in ``needs_attention`` with the reason, and its client's admin is told once per break
(StoreNeedsAttention, mailed by the notifier). Reconnecting goes through the platform's connect
flow; orders already taken are recognised by their id and never taken again."""

from dataclasses import dataclass
from datetime import datetime

import structlog

from connector.domain import stores as rules
from connector.domain.connection_checks import (
    CheckOutcome,
    ConnectionCheck,
    admin_to_be_told,
    attention_reason,
    missing_topics,
)
from connector.domain.errors import ConnectorError, PlatformAuthFailed, PlatformUnavailable, StoreNotFound
from connector.domain.messages import CATALOG
from connector.domain.platform_errors import CredentialsRefused
from connector.domain.stores import Store
from connector.handlers.credentials import Connections, with_connection
from connector.handlers.install import Addresses
from connector.ports import ShopConnection, UnitOfWork
from storefront_events import StoreNeedsAttention

log = structlog.get_logger()

#: Platforms whose connection is checked (Pressero's webhooks come by its own configuration)
CHECKED_PLATFORMS = frozenset({"shopify", "woocommerce", "etsy"})


@dataclass(frozen=True)
class CheckResult:
    outcome: CheckOutcome
    repaired: tuple[str, ...] = ()
    reason: str | None = None


async def check_connection(store_id: str, deps: Connections, *, addresses: Addresses) -> CheckResult:
    async with deps.uow as uow:
        store = await uow.stores.get(store_id)
        notes = await uow.stores.notes(store_id) if store else None
    if store is None or notes is None:
        raise StoreNotFound("store_not_found", store_id=store_id)
    if store.platform not in CHECKED_PLATFORMS or store.status not in ("connected", "needs_attention"):
        return CheckResult("healthy")
    adapter = deps.platforms.adapter(store.platform)
    address = addresses.webhooks(store.platform, store.id)

    async def check(connection: ShopConnection) -> tuple[str, ...]:
        await adapter.verify_credentials(connection)
        if not notes.webhook_topics:
            return ()
        held = [s.topic for s in await adapter.webhooks(connection) if s.address == address]
        missing = missing_topics(notes.webhook_topics, held)
        if not missing:
            return ()
        registered = await adapter.register_webhooks(connection, address=address)
        still = missing_topics(missing, [s.topic for s in registered])
        if still:
            log.warning("store.webhooks_not_repaired", store_id=store.id, topics=still)
        return tuple(t for t in missing if t not in still)

    try:
        repaired = await with_connection(store.id, deps, check)
    except (PlatformAuthFailed, CredentialsRefused) as refused:
        reason = attention_reason(str(refused.key))
        await _needs_attention(deps, store.id, reason=reason)
        return CheckResult("needs_attention", reason=reason)
    except PlatformUnavailable as error:
        log.info("store.check_unavailable", store_id=store.id, error=str(error.values.get("reason")))
        await _record(deps, store.id, CheckResult("unavailable"))
        return CheckResult("unavailable")
    result = CheckResult("repaired" if repaired else "healthy", repaired=repaired)
    if repaired:
        async with deps.uow as uow:
            held = sorted(set(notes.webhook_topics))
            await uow.stores.note_webhooks(store.id, held)
            await uow.commit()
        log.warning("store.webhooks_repaired", store_id=store.id, platform=store.platform, topics=list(repaired))
    await _record(deps, store.id, result)
    return result


async def _needs_attention(deps: Connections, store_id: str, *, reason: str) -> None:
    now = deps.clock.now()
    async with deps.uow as uow:
        store = await uow.stores.get(store_id, for_update=True)
        if store is None or store.status == "disconnected":
            return
        if store.status != "needs_attention":  # already there (an expired refresh said so): keep its reason
            store = rules.needs_attention(store, reason=reason, now=now)
            await uow.stores.save(store)
            await uow.stores.note_error(store_id, reason, None, now)
        await _tell_admin_once(uow, store, now=now)
        await uow.commit()
    log.warning("store.needs_attention", store_id=store_id, reason=store.status_reason)


async def _tell_admin_once(uow: UnitOfWork, store: Store, *, now: datetime) -> None:
    previous = await uow.connection_checks.get(store.id, for_update=True)
    notified = previous.notified_version if previous else None
    if admin_to_be_told(store, previous):
        reason = store.status_reason or "platform_auth_failed"
        uow.outbox.add(
            StoreNeedsAttention(
                store_id=store.id,
                client_id=store.client_id,
                platform=store.platform,
                name=store.name,
                reason=reason,
                explanation=CATALOG.render(reason, "en"),
            )
        )
        notified = store.version
    await uow.connection_checks.put(
        ConnectionCheck(store.id, checked_at=now, outcome="needs_attention", notified_version=notified)
    )


async def _record(deps: Connections, store_id: str, result: CheckResult) -> None:
    now = deps.clock.now()
    async with deps.uow as uow:
        previous = await uow.connection_checks.get(store_id, for_update=True)
        await uow.connection_checks.put(
            ConnectionCheck(
                store_id,
                checked_at=now,
                outcome=result.outcome,
                repaired=result.repaired,
                notified_version=previous.notified_version if previous else None,
            )
        )
        await uow.commit()


async def check_every_store(deps: Connections, *, addresses: Addresses, page: int = 200) -> int:
    """The schedule's pass; one store's failure never stops the others. How many stores need attention."""
    attention, after = 0, None
    while True:
        async with deps.uow as uow:
            stores = await uow.stores.listed(client_id=None, store_ids=None, after=after, limit=page)
        for store in stores:
            if store.platform not in CHECKED_PLATFORMS or store.status not in ("connected", "needs_attention"):
                continue
            try:
                result = await check_connection(store.id, deps, addresses=addresses)
            except ConnectorError as error:
                log.warning("store.check_failed", store_id=store.id, error=str(error.key))
                continue
            attention += result.outcome == "needs_attention"
        if len(stores) < page:
            return attention
        after = stores[-1].id
