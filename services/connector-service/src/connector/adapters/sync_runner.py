"""Runs product syncs in the background of the service process: a task per whole-catalog job,
one task per store for the products its webhooks said changed."""

import asyncio
from collections.abc import Sequence
from typing import Any

import structlog

from connector.handlers import syncs
from connector.ports import Clock, Platforms, UnitOfWork, Vault

log = structlog.get_logger()


class SyncRunner:
    PRODUCTS_PER_JOB = 50

    def __init__(
        self, runtime: Any, *, platforms: Platforms, vault: Vault, clock: Clock, batch_size: int, batch_bytes: int
    ) -> None:
        self._runtime = runtime
        self._platforms = platforms
        self._vault = vault
        self._clock = clock
        self._batch_size = batch_size
        self._batch_bytes = batch_bytes
        self._tasks: set[asyncio.Task[Any]] = set()
        self._waiting: dict[str, dict[str, None]] = {}  # store id → product ids to sync, in order
        self._draining: set[str] = set()

    def _uow(self) -> UnitOfWork:
        uow: UnitOfWork = self._runtime.uow()
        return uow

    async def interrupt_left_over(self) -> None:
        async with self._uow() as uow:
            count = await uow.sync_jobs.interrupt_running(now=self._clock.now())
            await uow.commit()
        if count:
            log.warning("sync.interrupted_jobs_failed", count=count)

    def run(self, job_id: str) -> None:
        task = asyncio.create_task(self._run(job_id), name=f"sync-{job_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def start_products(self, store_id: str, product_ids: Sequence[str]) -> None:
        """A sync of the products the shop said changed (products/update webhooks). A burst of
        them is not a burst of jobs: one store's product ids wait together and are synced by one
        task at a time, up to ``PRODUCTS_PER_JOB`` per job (one throttle, not hundreds)."""
        waiting = self._waiting.setdefault(store_id, {})
        waiting.update(dict.fromkeys(product_ids))
        if store_id not in self._draining:
            self._draining.add(store_id)
            task = asyncio.create_task(self._drain(store_id), name=f"product-syncs-{store_id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _drain(self, store_id: str) -> None:
        try:
            while waiting := self._waiting.get(store_id):
                batch = list(waiting)[: self.PRODUCTS_PER_JOB]
                for product_id in batch:
                    del waiting[product_id]
                try:
                    job = await syncs.start_product_sync(store_id, batch, uow=self._uow(), clock=self._clock)
                except Exception as error:  # the database is away: a later sync of the store repairs it
                    log.exception("sync.products_not_started", store_id=store_id, products=batch, error=repr(error))
                    continue
                await self._run(job.id)
        finally:
            self._draining.discard(store_id)
            if not self._waiting.get(store_id):
                self._waiting.pop(store_id, None)

    async def _run(self, job_id: str) -> None:
        try:
            await syncs.run_sync(
                job_id,
                uows=self._uow,
                platforms=self._platforms,
                vault=self._vault,
                clock=self._clock,
                batch_size=self._batch_size,
                batch_bytes=self._batch_bytes,
            )
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.exception("sync.crashed", sync_id=job_id, error=repr(error))
            await syncs.fail_crashed(job_id, uows=self._uow, clock=self._clock)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
