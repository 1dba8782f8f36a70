"""Polling a shop's orders (platforms that give no order webhooks to rely on, Etsy): from where
a poll starts and how far the high-water mark moves. Rules only: no I/O."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class OrderPoll:
    """Where a store's order polling stands."""

    store_id: str
    high_water_mark: datetime  # the newest order creation time seen
    last_run_at: datetime | None = None
    last_taken: int = 0  # orders new at the last run
    last_error: str | None = None


def poll_since(poll: OrderPoll | None, *, connected_at: datetime, overlap_seconds: int) -> datetime:
    """A poll asks for orders created since the high-water mark, minus an overlap (an order paid
    later than it was created shows up late); the first poll starts where the store was
    connected. Orders seen again are recognised by their id, never taken twice."""
    mark = poll.high_water_mark if poll else connected_at
    return mark - timedelta(seconds=overlap_seconds) if poll else mark


def moved(poll: OrderPoll | None, *, created: Iterable[datetime], connected_at: datetime) -> datetime:
    """The high-water mark only moves forward."""
    mark = poll.high_water_mark if poll else connected_at
    return max([mark, *created])
