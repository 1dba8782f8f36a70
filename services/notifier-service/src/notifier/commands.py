from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ListEmails:
    client_id: str | None = None
    to: str | None = None
    limit: int = 50


@dataclass(frozen=True)
class CreateEndpoint:
    client_id: str
    url: str
    event_types: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class ChangeEndpoint:
    client_id: str
    endpoint_id: str
    url: str | None = None
    event_types: tuple[str, ...] | None = None
    description: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class RotateSecret:
    client_id: str
    endpoint_id: str
    overlap_seconds: float


@dataclass(frozen=True)
class ListDeliveries:
    client_id: str
    endpoint_id: str
    status: str | None = None
    order_id: str | None = None
    limit: int = 50


@dataclass(frozen=True)
class ReplayFailed:
    client_id: str
    endpoint_id: str
    since: datetime
    until: datetime
