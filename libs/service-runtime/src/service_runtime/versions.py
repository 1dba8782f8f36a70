"""The per-aggregate version rule every consumer of versioned events follows.

A producer raises an aggregate's version by one with each change and puts it on the
event (`Event.aggregate_version`). A read model keeps the version it last applied and
applies an event only when it is newer; an older or equal one (a dead-letter replay, a
relay retry, a reordering) is counted, logged and skipped, so it never rolls state back.

Events without a version predate versions: they apply only while the read model holds no
version either, as before; once a versioned event was applied, they count as older."""

import structlog
from prometheus_client import Counter

from storefront_events import Event

log = structlog.get_logger()

STALE = Counter(
    "storefronts_stale_events_skipped_total",
    "Consumed events skipped because the read model already holds that aggregate version or a newer one",
    ["read_model", "event_type"],
)


def is_newer(incoming: int | None, held: int | None) -> bool:
    if held is None:
        return True
    if incoming is None:
        return False
    return incoming > held


def newer_than_held(event: Event, held: int | None, *, read_model: str, aggregate_id: str) -> bool:
    """True when `event` should be applied; otherwise counts and logs the skip."""
    if is_newer(event.aggregate_version, held):
        return True
    STALE.labels(read_model, event.ce_type()).inc()
    log.warning(
        "event.stale_skipped",
        read_model=read_model,
        aggregate_id=aggregate_id,
        event_type=event.ce_type(),
        event_id=str(event.event_id),
        event_version=event.aggregate_version,
        held_version=held,
    )
    return False
