"""A service's background loop (outbox relay, email delivery, housekeeping, ...): started
and stopped with the service, woken at once when there is new work, and by a timer
otherwise.

Supervised: ``run`` is meant to loop until cancelled; if it raises (or returns), the
failure is logged and counted and ``run`` starts again after a backoff that doubles up
to ``max_restart_backoff`` seconds, so a task never dies silently. Only a stop ends it: a
``CancelledError`` that is not the task's own cancellation (an inner future or query
cancelled under it) is a crash like any other, and a stop that an inner await swallowed or
turned into another error still ends the task (``stop_requested``)."""

import asyncio
import time

import structlog
from prometheus_client import Counter, Gauge

log = structlog.get_logger()

RESTARTS = Counter("storefronts_background_task_restarts_total", "Background task restarts after a crash", ["task"])
ALIVE = Gauge("storefronts_background_task_alive", "1 while the background task runs", ["task"])


def stop_requested() -> bool:
    """The running task was asked to stop (``Task.cancel()``), whether or not a
    ``CancelledError`` reached the caller: some awaits swallow a cancellation or turn it into
    another error (a driver closing its connection), and a ``CancelledError`` can also come
    from an inner future that was cancelled while the task itself was not."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def raise_if_stop_requested(error: BaseException | None = None) -> None:
    """Ends the running task with ``CancelledError`` if it was asked to stop (re-raising
    ``error`` when it is that cancellation, chaining it otherwise); returns if not."""
    if not stop_requested():
        return
    if isinstance(error, asyncio.CancelledError):
        raise error
    raise asyncio.CancelledError() from error


class BackgroundTask:
    name = "background"
    restart_backoff = 0.5
    max_restart_backoff = 30.0

    def __init__(self) -> None:
        self._woken = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.restarts = 0

    async def run(self) -> None:
        raise NotImplementedError

    def wake(self) -> None:
        self._woken.set()

    async def sleep(self, seconds: float, *, gather: float = 0.0) -> None:
        """Until woken or ``seconds`` passed, whichever first. ``gather``: once woken, this much
        longer, so that the work of the commits made meanwhile is done in the same pass (as
        Kafka's ``linger.ms`` batches sends): fewer, larger passes for little latency."""
        try:
            await asyncio.wait_for(self._woken.wait(), timeout=seconds)
        except TimeoutError:
            pass
        else:
            if gather > 0:
                await asyncio.sleep(gather)
        self._woken.clear()

    def start(self) -> None:
        self._task = asyncio.create_task(self._supervise(), name=self.name)

    def alive(self) -> bool:
        """Started, not stopped, and its supervisor runs (a crashed ``run`` is being restarted)."""
        return self._task is not None and not self._task.done()

    async def _supervise(self) -> None:
        backoff = self.restart_backoff
        ALIVE.labels(self.name).set(1)
        try:
            while True:
                started = time.monotonic()
                try:
                    await self.run()
                    raise_if_stop_requested()
                    log.error("background.task_returned", task=self.name, restart_in=backoff)
                except (Exception, asyncio.CancelledError) as error:
                    raise_if_stop_requested(error)
                    log.exception("background.task_crashed", task=self.name, restart_in=backoff)
                self.restarts += 1
                RESTARTS.labels(self.name).inc()
                if time.monotonic() - started > 10 * self.max_restart_backoff:
                    backoff = self.restart_backoff  # it had run fine for a long while: start over
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_restart_backoff)
        finally:
            ALIVE.labels(self.name).set(0)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None
