"""Webhooks that arrive together are made durable together: one transaction, one commit for a
group of them (group commit), each request answered once its group is committed.

A platform sends a shop's orders as they come, often many at once (a sale, a flash of orders,
a backlog it delivers again after an outage). Committing each alone costs a transaction, a
pool connection and its round trips per webhook; here the webhooks that wait while a group is
being written form the next group, so a lone webhook is written at once and a burst is written
in a few transactions. A group is one statement: each delivery (store, webhook id, topic, raw
body) inserted unless its store and id are there. What the webhooks mean (OrderReceived, ...) is
derived afterwards by the deriving stage (webhook_deriving.py), woken once the group commits.

A group that fails (a webhook the database refuses, a lost connection) is written again one
webhook at a time: only the webhook at fault fails, the others are answered as if alone, and
nothing of a failed transaction is kept."""

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import structlog

from connector.ports import UnitOfWork, WebhookDelivery

log = structlog.get_logger()

#: Most webhooks in one transaction (a burst larger than this is written in several).
MAX_GROUP = 500


@dataclass(frozen=True)
class GroupedWebhook:
    """A verified webhook to make durable: its delivery (de-duplication key and raw body), its
    meaning derived later."""

    delivery: WebhookDelivery


async def record_together(webhooks: Sequence[GroupedWebhook], *, uow: UnitOfWork) -> list[bool]:
    """One transaction: the deliveries not seen before. For each webhook, True when its
    delivery is new (False: a duplicate, there before or earlier in ``webhooks``)."""
    async with uow:
        fresh = await uow.webhooks.record_many([webhook.delivery for webhook in webhooks])
        if any(fresh):
            await uow.commit()
    return fresh


class WebhookGroups:
    """Writes the webhooks given to ``record`` in groups, with at most ``writers`` groups being
    written at a time (each on a connection of its own)."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        *,
        writers: int = 2,
        max_group: int = MAX_GROUP,
        stored: Callable[[], None] | None = None,
        write: Callable[[Sequence[WebhookDelivery]], Awaitable[list[bool]]] | None = None,
    ) -> None:
        """``stored``: called after each group that stored a new delivery committed (wakes the
        deriving stage). ``write``: stores a group's deliveries and commits them (as
        ``record_together``, without a unit of work: PostgreSQL's one-statement autocommit)."""
        self._uow = uow
        self._stored = stored
        self._write_group = write
        self._writers = max(1, writers)
        self._max_group = max(1, max_group)
        self._waiting: list[tuple[GroupedWebhook, asyncio.Future[bool]]] = []
        self._active = 0  # writers running (counted down by the writer itself: no gap a webhook could fall in)
        self._tasks: set[asyncio.Task[None]] = set()

    async def record(self, webhook: GroupedWebhook) -> bool:
        """Returns once the webhook is committed: True, or False for a duplicate delivery.
        Raises what writing it alone raised when it cannot be written."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        self._waiting.append((webhook, future))
        if self._active < self._writers:
            self._active += 1
            # a context of its own: the writer serves many requests, it must not carry the
            # first one's correlation id into the logs and events of the others
            task = loop.create_task(self._write(), context=contextvars.Context())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    async def stop(self) -> None:
        """Waits for the groups being written."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _write(self) -> None:
        try:
            while self._waiting:
                group = self._waiting[: self._max_group]
                del self._waiting[: self._max_group]
                await self._commit(group)
        finally:
            self._active -= 1

    async def _commit(self, group: list[tuple[GroupedWebhook, "asyncio.Future[bool]"]]) -> None:
        try:
            webhooks = [webhook for webhook, _ in group]
            if self._write_group is not None:
                fresh = await self._write_group([webhook.delivery for webhook in webhooks])
            else:
                fresh = await record_together(webhooks, uow=self._uow())
        except Exception as error:
            if len(group) == 1:
                _answer(group[0][1], error=error)
                return
            log.warning("webhooks.group_failed", webhooks=len(group), error=repr(error))
            for one in group:  # each alone: only the one at fault fails
                await self._commit([one])
            return
        except BaseException:
            for _, future in group:
                _answer(future, error=RuntimeError("stopped while the webhook was being written"))
            raise
        if self._stored is not None and any(fresh):
            self._stored()
        for (_, future), new in zip(group, fresh, strict=True):
            _answer(future, new=new)


def _answer(future: "asyncio.Future[bool]", *, new: bool = False, error: BaseException | None = None) -> None:
    if future.done():  # the request went away (cancelled): what it sent is written all the same
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(new)
