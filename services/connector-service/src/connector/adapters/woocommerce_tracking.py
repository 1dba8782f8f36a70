"""Tracking in WooCommerce order notes (core WooCommerce has no tracking field): the note we add
to the buyer, and the tracking numbers read back from the notes."""

import re
from collections.abc import Mapping, Sequence
from typing import Any

from connector.ports import Fulfillment

#: Our note: "Shipped with {carrier}. Tracking number: {number} ({url})"; the number read back
NUMBER = re.compile(r"Tracking number: (\S+?)(?:\s|$)")


def shipping_note(fulfillment: Fulfillment) -> str:
    note = "Shipped" + (f" with {fulfillment.carrier}" if fulfillment.carrier else "")
    note += f". Tracking number: {fulfillment.tracking_number}"
    return note + (f" ({fulfillment.tracking_url})" if fulfillment.tracking_url else "")


def noted(note: Mapping[str, Any], tracking_number: str | None) -> bool:
    return bool(tracking_number) and tracking_number in numbers_noted([note])


def numbers_noted(notes: Sequence[Mapping[str, Any]]) -> list[str]:
    """The tracking numbers of our notes to the buyer (private notes are not the buyer's)."""
    return [
        match.group(1)
        for note in notes
        if note.get("customer_note")
        for match in NUMBER.finditer(str(note.get("note") or ""))
    ]
