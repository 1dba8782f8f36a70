from dataclasses import dataclass


@dataclass(frozen=True)
class ListEmails:
    client_id: str | None = None
    to: str | None = None
    limit: int = 50
