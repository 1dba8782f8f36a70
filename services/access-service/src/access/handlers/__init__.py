"""Use cases of the access service: load → decide → save → emit → commit. One module per area."""

from access.handlers.clients import keep_client
from access.handlers.stores import keep_store

__all__ = ["keep_client", "keep_store"]
