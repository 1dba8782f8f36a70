"""The correlation id of the request or message being handled, for logs and events."""

import structlog


def current_correlation_id() -> str | None:
    return structlog.contextvars.get_contextvars().get("correlation_id")
