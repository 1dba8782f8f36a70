"""The read model of stores (from the connector's StoreConnected / StoreDisconnected)."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Store:
    store_id: str
    client_id: str
    platform: str
    name: str
    connected: bool
    test_mode: bool
    changed_at: datetime
    currency: str | None = None

    @property
    def manual(self) -> bool:
        """A manual store takes orders only from "Place order" and CSV import."""
        return self.platform == "manual"
