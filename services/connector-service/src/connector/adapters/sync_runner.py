"""Runs product syncs in the background of the service process (one asyncio task per job)."""

import asyncio
from collections.abc import Sequence
from typing import Any

import structlog

from connector.handlers import syncs
from connector.ports import Clock, Platforms, UnitOfWork, Vault

log = structlog.get_logger()


class SyncRunner:
    def __init__(self, runtime: Any, *, platforms: Platforms, vault: Vault, clock: Clock, batch_size: int) -> None:
        self._runtime = runtime
        self._platforms = platforms
        self._vault = vault
        self._clock = clock
        self._batch_size = batch_size
        self._tasks: set[asyncio.Task[Any]] = set()

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
        """A sync of the products the shop said changed (products/update webhooks)."""
        job = await syncs.start_product_sync(store_id, product_ids, uow=self._uow(), clock=self._clock)
        self.run(job.id)

    async def _run(self, job_id: str) -> None:
        try:
            await syncs.run_sync(
                job_id,
                uows=self._uow,
                platforms=self._platforms,
                vault=self._vault,
                clock=self._clock,
                batch_size=self._batch_size,
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
