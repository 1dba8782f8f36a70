"""A background task that crashes is restarted, logged and counted, never silently gone."""

import asyncio

from service_runtime.background import RESTARTS, BackgroundTask
from service_runtime.testing.helpers import eventually


class CrashesTwice(BackgroundTask):
    name = "crashes-twice-test"
    restart_backoff = 0.01

    def __init__(self) -> None:
        super().__init__()
        self.runs = 0
        self.working = asyncio.Event()

    async def run(self) -> None:
        self.runs += 1
        if self.runs <= 2:
            raise ConnectionError("database went away")
        self.working.set()
        await asyncio.Event().wait()


async def test_a_crashed_task_is_restarted_and_counted():
    task = CrashesTwice()
    before = RESTARTS.labels(task.name)._value.get()
    task.start()
    try:
        await asyncio.wait_for(task.working.wait(), timeout=10)
        assert task.alive()
        assert task.restarts == 2
        assert RESTARTS.labels(task.name)._value.get() - before == 2
    finally:
        await task.stop()
    assert not task.alive()


async def test_a_task_is_not_alive_before_it_starts_nor_after_it_stops():
    task = CrashesTwice()
    assert not task.alive()
    task.start()
    await eventually(lambda: _true(task.working.is_set()), timeout=10)
    await task.stop()
    assert not task.alive()


async def _true(value: bool) -> bool:
    return value


class InnerCancellation(BackgroundTask):
    """Its first run ends with a CancelledError that is not the task's own (a future it
    awaited was cancelled under it)."""

    name = "inner-cancellation-test"
    restart_backoff = 0.01

    def __init__(self) -> None:
        super().__init__()
        self.runs = 0
        self.working = asyncio.Event()

    async def run(self) -> None:
        self.runs += 1
        if self.runs == 1:
            cancelled = asyncio.get_running_loop().create_future()
            cancelled.cancel()
            await cancelled
        self.working.set()
        await asyncio.Event().wait()


async def test_a_cancellation_that_is_not_the_tasks_own_is_a_crash_restarted_not_a_silent_death():
    task = InnerCancellation()
    before = RESTARTS.labels(task.name)._value.get()
    task.start()
    try:
        await asyncio.wait_for(task.working.wait(), timeout=10)
        assert task.alive()
        assert RESTARTS.labels(task.name)._value.get() - before == 1
    finally:
        await task.stop()
    assert not task.alive()


class Passes(BackgroundTask):
    """Counts its passes and what each found, as the relay does with the rows committed."""

    name = "passes-test"

    def __init__(self, gather: float) -> None:
        super().__init__()
        self.gather = gather
        self.committed = 0
        self.passes: list[int] = []

    async def run(self) -> None:
        while True:
            await self.sleep(60, gather=self.gather)
            found, self.committed = self.committed, 0
            self.passes.append(found)

    def commit(self) -> None:
        self.committed += 1
        self.wake()


async def test_wakes_within_the_gather_time_make_one_pass_and_without_it_each_makes_its_own():
    for gather, expected in ((0.2, [5]), (0.0, [1, 1, 1, 1, 1])):
        task = Passes(gather)
        task.start()
        try:
            for _ in range(5):
                task.commit()
                await asyncio.sleep(0.01)

            async def all_passed(task: Passes = task) -> bool:
                return sum(task.passes) == 5

            await eventually(all_passed, timeout=5)
            assert task.passes == expected
        finally:
            await task.stop()
