"""Every event class, by CloudEvents type; checked at import against the topic registry."""

from __future__ import annotations

from collections import Counter

from storefront_events.base import Event
from storefront_events.topics import ALL_TOPICS


def _concrete_events(cls: type[Event] = Event) -> set[type[Event]]:
    found = set()
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("storefront_events.") and "event_type" in sub.model_fields:
            found.add(sub)
        found |= _concrete_events(sub)
    return found


_placements = Counter(cls for topic in ALL_TOPICS for cls in topic.events)
assert all(n == 1 for n in _placements.values()), f"events on several topics: {_placements}"
assert set(_placements) == _concrete_events(), f"events on no topic: {_concrete_events() - set(_placements)}"

#: Event class by CloudEvents type (`storefronts.<event_type>.v<schema_version>`).
EVENT_TYPES: dict[str, type[Event]] = {cls.ce_type(): cls for topic in ALL_TOPICS for cls in topic.events}
assert len(EVENT_TYPES) == len(_placements), "two event classes share a CloudEvents type"
