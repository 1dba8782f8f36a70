"""Bulk jobs hold back the collector's full collections, and only those."""

import asyncio
import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from service_runtime.heap import full_collections_deferred
from service_runtime.http import SETTLE_HEAP, create_api


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection that starts while the test runs."""
    started: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.collect()
    gc.callbacks.append(record)
    try:
        yield started
    finally:
        gc.callbacks.remove(record)


def allocate(count: int) -> list[list[int]]:
    """Many containers kept alive, as a bulk import's rows are."""
    return [[n] for n in range(count)]


def test_no_full_collection_runs_during_a_bulk_job_and_they_resume_after(collections: list[int]) -> None:
    with full_collections_deferred():
        during = allocate(300_000)
    assert collections and 2 not in collections  # young generations collected, never the whole heap
    collections.clear()
    after = allocate(300_000)
    assert 2 in collections
    assert len(during) == len(after)


def test_a_cycle_dropped_during_a_bulk_job_is_still_freed(collections: list[int]) -> None:
    with full_collections_deferred():
        node = Node()
        gone = weakref.ref(node)
        del node
        allocate(10_000)  # enough to start young collections
        assert gone() is None


def test_the_thresholds_come_back_when_the_last_of_several_jobs_ends() -> None:
    default = gc.get_threshold()

    async def job(seconds: float) -> tuple[int, int, int]:
        with full_collections_deferred():
            await asyncio.sleep(seconds)
            return gc.get_threshold()

    async def both() -> list[tuple[int, int, int]]:
        return list(await asyncio.gather(job(0.01), job(0.05)))

    first, second = asyncio.run(both())
    assert first[2] > default[2] and second[2] > default[2]
    assert gc.get_threshold() == default


def test_a_job_that_fails_gives_the_thresholds_back() -> None:
    default = gc.get_threshold()
    with pytest.raises(RuntimeError), full_collections_deferred():
        raise RuntimeError("import failed")
    assert gc.get_threshold() == default


class StartedRuntime:
    """What the lifespan needs of a runtime."""

    verifier = revocations = None

    async def start(self) -> None:
        self.models = allocate(50_000)  # what a service builds as it starts

    async def stop(self) -> None:
        pass


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.parametrize("served", [True, False])
async def test_a_served_service_leaves_what_it_started_with_out_of_full_collections(
    unfrozen: None, served: bool
) -> None:
    async def build() -> Any:
        return StartedRuntime()

    app = create_api(build, title="t", description="t", routers=[])
    if served:
        setattr(app.state, SETTLE_HEAP, True)  # as serve() does
    async with app.router.lifespan_context(app):
        scanned = len(gc.get_objects(generation=2))
        assert (gc.get_freeze_count() > 50_000) is served
        assert (scanned < 50_000) is served  # a full collection no longer walks the startup's objects
