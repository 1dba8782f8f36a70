"""The deriving stage's loop: stored webhooks become their events (handlers/webhook_deriving.py),
a batch per transaction, woken when a webhook to derive is committed in this process (then
gathering the next ones for ``webhook_derive_gather_seconds``) and
every ``webhook_derive_poll_seconds`` otherwise (webhooks stored by another process, or left by
a crash). Supervised like the relay: a crash is logged and the loop started again.

A failure that is not transient (the database refuses what a batch writes) is the fault of one
of its deliveries: the batch is derived again one delivery at a time, and the one the database
still refuses alone is parked. A transient failure (database down) leaves the batch for the
next pass, after a backoff."""

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from prometheus_client import Counter

from connector.handlers.webhook_deriving import Derivation
from service_runtime.background import BackgroundTask, raise_if_stop_requested
from service_runtime.transient import is_transient

log = structlog.get_logger()

DERIVED = Counter("connector_webhooks_derived_total", "Stored webhooks derived into their events")
PARKED = Counter("connector_webhooks_parked_total", "Stored webhooks that could not be derived (kept, parked)")
BACKOFF_SECONDS, MAX_BACKOFF_SECONDS = 0.2, 10.0

Derive = Callable[..., Awaitable[Derivation]]
"""``derive_pending`` with its unit of work and ports bound: (limit, *, ids, park_all, taken)."""


class WebhookDeriving(BackgroundTask):
    name = "connector-webhook-deriving"

    def __init__(
        self,
        derive: Derive,
        *,
        batch_size: int,
        poll_seconds: float,
        gather_seconds: float = 0.0,
        products_to_sync: Callable[[str, list[str]], Awaitable[object]],
    ) -> None:
        super().__init__()
        self._derive = derive
        self._batch = batch_size
        self._poll = poll_seconds
        self._gather = gather_seconds
        self._sync = products_to_sync
        self._turn = asyncio.Lock()  # one batch at a time in this process (the loop or a catch-up)

    async def run(self) -> None:
        backoff = BACKOFF_SECONDS
        while True:
            raise_if_stop_requested()
            try:
                done = await self.pass_once()
            except (Exception, asyncio.CancelledError) as error:
                raise_if_stop_requested(error)
                log.warning("webhooks.deriving_failed", error=f"{type(error).__name__}: {error}", retry_in=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            backoff = BACKOFF_SECONDS
            if done.busy or done.taken < self._batch:
                await self.sleep(self._poll, gather=self._gather)

    async def catch_up(self, *, most_batches: int = 100) -> None:
        """Derives what is stored now (a privacy request needs every body taken before it
        derived); waits its turn while another process derives."""
        for _ in range(most_batches):
            done = await self.pass_once()
            if done.busy:
                await asyncio.sleep(0.05)
            elif done.taken < self._batch:
                return

    async def pass_once(self) -> Derivation:
        """One batch (or, when the database refuses it, its deliveries one at a time)."""
        async with self._turn:
            return await self._pass()

    async def _pass(self) -> Derivation:
        taken: list[int] = []
        try:
            done = await self._derive(self._batch, taken=taken)
        except Exception as error:
            if is_transient(error) or not taken:
                raise
            log.warning("webhooks.batch_refused", webhooks=len(taken), error=f"{type(error).__name__}: {error}")
            done = await self._one_at_a_time(taken)
        await self._after(done)
        return done

    async def _one_at_a_time(self, ids: list[int]) -> Derivation:
        """The batch's deliveries alone: the ones the database takes are derived, the one it
        refuses is parked (a transient failure ends the pass: retried later, nothing parked)."""
        total = Derivation(taken=len(ids))
        for row_id in ids:
            try:
                done = await self._derive(1, ids=[row_id])
            except Exception as error:
                if is_transient(error):
                    raise
                reason = f"{type(error).__name__}: {error}"
                log.error("webhook.parked", row_id=row_id, error=reason)
                done = await self._derive(1, ids=[row_id], park_all=reason)
            total.derived += done.derived
            total.parked += done.parked
            total.events += done.events
            for store_id, products in done.products_to_sync.items():
                total.products_to_sync.setdefault(store_id, []).extend(products)
        return total

    async def _after(self, done: Derivation) -> None:
        DERIVED.inc(done.derived)
        PARKED.inc(done.parked)
        for store_id, products in done.products_to_sync.items():
            try:
                await self._sync(store_id, products)
            except Exception:  # the products are synced again at the next sync of the store
                log.exception("webhooks.product_sync_not_started", store_id=store_id, products=len(products))
