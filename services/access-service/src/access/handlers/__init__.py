"""Use cases of the access service: load → decide → save → emit → commit. One module per area."""

from access.handlers.clients import keep_client

__all__ = ["keep_client"]
