from dataclasses import dataclass, field


@dataclass(frozen=True)
class CreateClient:
    name: str
    reference_id: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class UpdateClient:
    client_id: str
    changes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ArchiveClient:
    client_id: str


@dataclass(frozen=True)
class RestoreClient:
    client_id: str
