"""The stores webhooks are addressed to, with their credentials opened, kept in memory for a
short while: an order webhook then neither reads the store nor decrypts its secret.

A store leaves the cache as soon as this process changes it (connect, disconnect, new
credentials: the store repository says so, and again once the change is committed) and at the
latest ``ttl_seconds`` after it was read, which bounds how long another process's change goes
unseen here. A read that overlapped a change is not kept (it may predate the change).

A store is read by one request at a time: the webhooks that find it missing while another
request reads it wait for that read (``read_elsewhere``) rather than each reading it again. A
shop's orders come many a second: when its store left the cache, every webhook in the time of
one read read it in a transaction of its own, often on a connection opened for it."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from connector.domain.stores import Store
from connector.ports import ShopConnection


@dataclass(frozen=True)
class KnownStore:
    store: Store
    connection: ShopConnection


class WebhookStores:
    def __init__(
        self, ttl_seconds: float, *, max_stores: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_stores
        self._clock = clock
        self._known: dict[str, tuple[float, KnownStore]] = {}
        self._changes = 0  # stores forgotten so far: a read that saw this number move is not kept
        self._reads: dict[str, asyncio.Future[None]] = {}  # store id → its read by a request, until it ends

    def reading(self) -> int:
        """Taken before reading a store from the database; given back to ``keep``."""
        return self._changes

    def get(self, store_id: str) -> KnownStore | None:
        found = self._known.get(store_id)
        if found is None:
            return None
        if found[0] <= self._clock():
            del self._known[store_id]
            return None
        return found[1]

    def keep(self, known: KnownStore, *, read: int) -> None:
        if self._ttl <= 0 or read != self._changes:
            return
        if len(self._known) >= self._max:
            self._known.clear()
        self._known[known.store.id] = (self._clock() + self._ttl, known)

    def forget(self, store_id: str) -> None:
        self._changes += 1
        self._known.pop(store_id, None)

    def start_read(self, store_id: str) -> "asyncio.Future[None] | None":
        """Marks the store as being read by the caller, who calls ``end_read`` with what this
        returns once its read ended (kept or not, or failed); None when another request reads it."""
        if store_id in self._reads:
            return None
        read: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._reads[store_id] = read
        return read

    def end_read(self, store_id: str, read: "asyncio.Future[None]") -> None:
        if self._reads.get(store_id) is read:
            del self._reads[store_id]
        if not read.done():
            read.set_result(None)

    async def read_elsewhere(self, store_id: str) -> bool:
        """Waits for the end of the read of this store another request is making; False at once
        when there is none."""
        read = self._reads.get(store_id)
        if read is None:
            return False
        await asyncio.shield(read)
        return True
