"""Runs product syncs in the background of the service process: a task per whole-catalog job,
one task per store for the products its webhooks said changed.

Every ``heartbeat_seconds`` the process gives a sign of life for the syncs it runs, and fails
those no process has given one for ``SILENT_BEATS`` beats (``sync_interrupted``): the syncs a
stopped process left running, never those another running process of the service has (a
webhook front apart, a second process), and within a minute of a crash, not only at the next
start."""

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import structlog

from connector.handlers import syncs
from connector.ports import Clock, Platforms, UnitOfWork, Vault

log = structlog.get_logger()


class SyncRunner:
    PRODUCTS_PER_JOB = 50
    HEARTBEAT_SECONDS = 15.0
    #: a running sync without a sign of life for this many heartbeats was left by a stopped process
    SILENT_BEATS = 4

    def __init__(
        self,
        runtime: Any,
        *,
        platforms: Platforms,
        vault: Vault,
        clock: Clock,
        batch_size: int,
        batch_bytes: int,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
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
        self._heartbeat = heartbeat_seconds
        self._running: set[str] = set()  # ids of the syncs this process runs

    def _uow(self) -> UnitOfWork:
        uow: UnitOfWork = self._runtime.uow()
        return uow

    def start(self) -> None:
        """The heartbeat of this process's syncs, which also fails those left by a stopped one."""
        task = asyncio.create_task(self._keep_alive(), name="sync-heartbeat")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def interrupt_left_over(self) -> int:
        now = self._clock.now()
        silent_since = now - timedelta(seconds=self._heartbeat * self.SILENT_BEATS)
        async with self._uow() as uow:
            count = await uow.sync_jobs.interrupt_running(now=now, silent_since=silent_since)
            await uow.commit()
        if count:
            log.warning("sync.interrupted_jobs_failed", count=count)
        return count

    async def beat(self) -> None:
        if self._running:
            async with self._uow() as uow:
                await uow.sync_jobs.beat(sorted(self._running), now=self._clock.now())
                await uow.commit()

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(self._heartbeat)
            try:
                await self.beat()
                await self.interrupt_left_over()
            except Exception as error:  # the database is away: the next beat tries again
                log.warning("sync.heartbeat_failed", error=repr(error))

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
        self._running.add(job_id)
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
        finally:
            self._running.discard(job_id)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
