"""Python's cyclic garbage collector, kept from pausing a service.

What a service builds as it starts (modules, models, schemas, the app, its clients) lives as
long as the process. ``settle_heap`` moves it out of the collector's generations once the
service has started, so a full collection scans what was made since rather than all of it:
the connector's took 105-120 ms every 8-10 s at 500 orders/s, stalling every webhook answer
waiting behind it (the order path's ack p99, bench/order_path.py); order intake's, frozen,
take 3-4 ms.

A bulk job (a 50,000-row import) builds objects that all live until it ends: rows, checked
choices, events, encoded documents. The collector's full collections, triggered as the heap
grows, scan them again and again; on a 50,000-row mapping import they took 2.4 of its 6 CPU
seconds (services/mapping-service/bench/import_50k.py). ``full_collections_deferred`` holds
those back while any bulk job runs. Young objects are still collected (a cycle made and
dropped within the job is freed as before), memory held by reference counting is freed at
once as always, and the full collection waits for the last job to end."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

DEFERRED_THRESHOLD = 1_000_000
"""Collections of the middle generation between two full ones while deferred (default 10)."""

_running = 0
_threshold: tuple[int, int, int] | None = None


@contextmanager
def full_collections_deferred() -> Iterator[None]:
    """While the block runs (and any other such block), no full collection starts; the
    thresholds are given back when the last one ends. Nested and concurrent jobs (in one
    event loop) are counted."""
    global _running, _threshold
    if _running == 0:
        _threshold = gc.get_threshold()
        first, second, _ = _threshold
        gc.set_threshold(first, second, DEFERRED_THRESHOLD)
    _running += 1
    try:
        yield
    finally:
        _running -= 1
        if _running == 0 and _threshold is not None:
            gc.set_threshold(*_threshold)
            _threshold = None


def settle_heap() -> None:
    """Collects once, then freezes what is alive (``gc.freeze``): it is never scanned again.
    Called once the service has started (service_runtime.http's lifespan, when served)."""
    gc.collect()
    gc.freeze()
