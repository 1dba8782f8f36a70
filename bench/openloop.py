"""Open-loop load: requests sent at a constant arrival rate whatever the server does, each
timed from the moment it was *meant* to be sent. A closed loop (send, wait, send) slows down
with the server and hides its stalls (coordinated omission); here a stall shows as the
latency of every request that should have gone out during it.

The HTTP client is a few lines of HTTP/1.1 over asyncio streams with keep-alive connections:
the load generator must cost far less CPU than the service it measures on a 2-core machine
(httpx spends about a millisecond per request). Requests are encoded before the clock starts."""

import asyncio
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from service_runtime.heap import full_collections_deferred, settle_heap

#: A request late by more than this (the generator itself could not keep up) is counted apart.
LATE_SECONDS = 0.010


def orders_for(rate: float, seconds: float) -> int:
    """How many requests ``rate`` a second for ``seconds`` is."""
    return max(0, round(rate * seconds)) if rate > 0 else 0


def schedule(rate: float, count: int) -> list[float]:
    """The intended send offsets (seconds from the start) of ``count`` requests at a constant
    arrival rate of ``rate`` a second: evenly spaced, the first at 0."""
    return [i / rate for i in range(count)] if rate > 0 else []


def http_request(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """The bytes of a keep-alive HTTP/1.1 POST."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items() if name.lower() not in ("host", "content-length")]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


#: A keep-alive connection idle longer than this is not used again: servers close idle ones
#: (uvicorn after 5 s), and a request sent just as the server closes its connection is lost.
MAX_IDLE_SECONDS = 2.0


class Connections:
    """Keep-alive connections to one server, opened as needed up to ``limit``; a request
    waits for a free one beyond that (and that wait counts in its latency).

    An idle connection is used again only while the server keeps it: not once the server has
    closed it, nor after ``max_idle_seconds`` (it may be closing it). A request whose reused
    connection fails before any answer is sent once more on a new connection (a webhook may
    be delivered twice: the receiver de-duplicates it by its id)."""

    def __init__(self, host: str, port: int, limit: int, *, max_idle_seconds: float = MAX_IDLE_SECONDS) -> None:
        self.host, self.port, self.limit = host, port, limit
        self.max_idle_seconds = max_idle_seconds
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self._slots = asyncio.Semaphore(limit)
        self.opened = 0  # connections opened over the run (a server closing them shows here)
        self.dropped_idle = 0  # idle connections not used again (closed by the server, or idle too long)

    async def post(self, request: bytes) -> int:
        """Sends one request and reads its answer; the HTTP status, 0 if no answer came."""
        async with self._slots:
            connection = self._reusable()
            for attempt in (1, 2):
                reused = connection is not None
                if connection is None:
                    try:
                        connection = await self._open()
                    except OSError:
                        return 0
                reader, writer = connection
                try:
                    status, reusable = await _exchange(reader, writer, request)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    writer.close()
                    if reused and attempt == 1:
                        connection = None  # the server closed it meanwhile: once more on a new one
                        continue
                    return 0
                if reusable:
                    self._idle.append((reader, writer, time.monotonic()))
                else:
                    writer.close()
                return status
        return 0

    def _reusable(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """The most recently used idle connection the server still keeps; the stale ones closed."""
        now = time.monotonic()
        while self._idle:
            reader, writer, idle_since = self._idle.pop()
            if reader.at_eof() or writer.is_closing() or now - idle_since > self.max_idle_seconds:
                writer.close()
                self.dropped_idle += 1
                continue
            return reader, writer
        return None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        connection = await asyncio.open_connection(self.host, self.port)
        self.opened += 1
        return connection

    async def close(self) -> None:
        for _, writer, _ in self._idle:
            writer.close()
        self._idle.clear()


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bool]:
    """(the HTTP status, whether the connection may be used again)."""
    writer.write(request)
    await writer.drain()
    status_line = await reader.readuntil(b"\r\n")
    status = int(status_line.split(b" ", 2)[1])
    length, chunked, closing = 0, False, False
    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif name == b"connection" and b"close" in value.lower():
            closing = True
    if chunked:
        while (size := int((await reader.readuntil(b"\r\n")).strip(), 16)) > 0:
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    elif length:
        await reader.readexactly(length)
    return status, not closing


@dataclass
class Sent:
    """One request's outcome: its index, intended and actual send times, answer time, status."""

    index: int
    intended: float  # time.monotonic() it was meant to go out
    started: float
    answered: float
    status: int


async def drive(
    requests: Sequence[bytes],
    rate: float,
    connections: Connections,
    on_answer: Callable[[Sent], None],
    *,
    on_start: Callable[[float], None] | None = None,
) -> float:
    """Sends ``requests`` at ``rate`` a second, open-loop; ``on_answer`` gets every outcome
    (latency = answered - intended). ``on_start`` gets the monotonic start time, before the
    first send. Returns when every request is answered; the elapsed seconds of the sends."""
    loop_started = time.monotonic() + 0.02
    if on_start is not None:
        on_start(loop_started)
    pending: set[asyncio.Task[None]] = set()

    async def one(index: int, intended: float, request: bytes) -> None:
        started = time.monotonic()
        status = await connections.post(request)
        on_answer(Sent(index, intended, started, time.monotonic(), status))

    for index, (offset, request) in enumerate(zip(schedule(rate, len(requests)), requests, strict=True)):
        intended = loop_started + offset
        delay = intended - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        elif index % 32 == 0:
            await asyncio.sleep(0)  # behind schedule: still let the answers in
        task = asyncio.get_running_loop().create_task(one(index, intended, request))
        pending.add(task)
        task.add_done_callback(pending.discard)
    sends_took = time.monotonic() - loop_started
    if pending:
        await asyncio.gather(*pending)
    return sends_took


@contextmanager
def without_collector_pauses() -> Iterator[None]:
    """Around one measured rate: what the generator holds so far is frozen and its full
    collections wait until the rate is measured. A full collection of its heap took 115 ms,
    and every answer read and every record observed behind one was counted that much later
    (the latency is from the intended send time, so the generator's own pause is counted as
    the service's)."""
    settle_heap()
    with full_collections_deferred():
        yield
