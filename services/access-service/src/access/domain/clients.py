from dataclasses import dataclass


@dataclass(frozen=True)
class KnownClient:
    """What access keeps of a client (fed by the client service's events)."""

    id: str
    name: str
    reference_id: str | None
    archived: bool
    version: int | None  # aggregate_version of the last client event applied (None before versions)
