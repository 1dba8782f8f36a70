"""A service's background loop (outbox relay, email delivery, ...): started and stopped
with the service, woken at once when there is new work, and by a timer otherwise."""

import asyncio


class BackgroundTask:
    name = "background"

    def __init__(self) -> None:
        self._woken = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def run(self) -> None:
        raise NotImplementedError

    def wake(self) -> None:
        self._woken.set()

    async def sleep(self, seconds: float) -> None:
        """Until woken or ``seconds`` passed, whichever first."""
        try:
            await asyncio.wait_for(self._woken.wait(), timeout=seconds)
        except TimeoutError:
            pass
        self._woken.clear()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=self.name)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None
