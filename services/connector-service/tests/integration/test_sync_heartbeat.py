"""A product sync is failed as interrupted only when the process running it has stopped. A
connector process starting (a webhook front apart, a second process, a restart) leaves alone the
syncs another live process is running, and fails those nobody has given a sign of life for a
while, within a minute of a crash rather than at the next start only."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from connector.adapters.sync_runner import SyncRunner
from connector.domain.syncs import SyncJob
from connector.handlers import syncs

from .shops import connected_shopify_store

SHOP = "busy-prints.myshopify.com"
HEARTBEAT = 0.2  # seconds: a sync silent for SILENT_BEATS of them (0.8 s) was left by a stopped process


def _runner(runtime) -> SyncRunner:
    """A sync runner as another process of the service has: its own heartbeat, the same database."""
    return SyncRunner(
        runtime,
        platforms=runtime.platforms,
        vault=runtime.vault,
        clock=runtime.clock,
        batch_size=250,
        batch_bytes=400_000,
        heartbeat_seconds=HEARTBEAT,
    )


async def _running_sync(runtime, store_id: str, *, started_at: datetime) -> str:
    job = SyncJob(id=str(uuid.uuid4()), store_id=store_id, status="running", full=True, started_at=started_at)
    async with runtime.uow() as uow:
        uow.sync_jobs.add(job)
        await uow.commit()
    return job.id


async def _status(runtime, job_id: str) -> tuple[str, str | None]:
    async with runtime.uow() as uow:
        job = await uow.sync_jobs.get(job_id)
    assert job is not None
    return job.status, job.error


async def test_a_starting_process_fails_the_syncs_left_by_a_stopped_one_and_no_other(runtime):
    store = await connected_shopify_store(runtime, client_id="c-busy", shop=SHOP)
    now = datetime.now(UTC)
    left = await _running_sync(runtime, store.id, started_at=now - timedelta(minutes=10))
    just_started = await _running_sync(runtime, store.id, started_at=now - timedelta(seconds=0.1))

    assert await _runner(runtime).interrupt_left_over() == 1

    assert await _status(runtime, left) == ("failed", "sync_interrupted")
    assert await _status(runtime, just_started) == ("running", None)


async def test_a_sync_a_live_process_runs_is_kept_alive_and_one_whose_process_died_is_failed(runtime, monkeypatch):
    store = await connected_shopify_store(runtime, client_id="c-busy", shop=SHOP)
    release = asyncio.Event()

    async def a_long_sync(job_id, **_):  # the shop answers slowly: the sync outlives many heartbeats
        await release.wait()

    monkeypatch.setattr(syncs, "run_sync", a_long_sync)
    live, elsewhere = _runner(runtime), _runner(runtime)
    running = await _running_sync(runtime, store.id, started_at=datetime.now(UTC))
    orphaned = await _running_sync(runtime, store.id, started_at=datetime.now(UTC))  # its process is gone
    live.run(running)
    live.start()
    elsewhere.start()  # another process of the service, started meanwhile
    try:
        await asyncio.sleep(HEARTBEAT * (SyncRunner.SILENT_BEATS + 3))
        assert await _status(runtime, running) == ("running", None)
        assert await _status(runtime, orphaned) == ("failed", "sync_interrupted")
    finally:
        release.set()
        await live.stop()
        await elsewhere.stop()
