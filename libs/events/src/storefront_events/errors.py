"""Errors raised when a Kafka record does not hold a known, valid event."""

from __future__ import annotations


class ContractError(ValueError):
    """A record breaks the event contract; consumers dead-letter it."""


class UnknownEventType(ContractError):
    """The CloudEvents `type` is not in the catalog (unknown event or unsupported version)."""

    def __init__(self, type: str) -> None:
        super().__init__(f"unknown event type: {type!r}")
        self.type = type


class MalformedEvent(ContractError):
    """The record is not a parseable CloudEvent, or its data does not fit its event type."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"malformed event: {reason}")
        self.reason = reason
