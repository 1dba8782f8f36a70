"""Errors of the order rules, turned into problem+json by the runtime."""

from typing import Any

from service_runtime.errors import Conflict, DomainError, NotFound


class OrderNotFound(NotFound):
    title = "Order not found"


class IllegalTransition(Conflict):
    title = "Status change not allowed"
    type = "/problems/illegal-transition"


class OrderNotEditable(Conflict):
    title = "Order cannot be changed"
    type = "/problems/order-not-editable"


class InvalidOrderInput(DomainError):
    """``key`` and ``values``: the refusal said by a code of messages.py, so that the answer's
    detail is in the reader's language (``detail`` is its English sentence)."""

    status = 422
    title = "Invalid order"

    def __init__(
        self, detail: str, *, key: str | None = None, values: dict[str, str] | None = None, **extensions: Any
    ) -> None:
        super().__init__(detail, **extensions)
        if key is not None:
            self.key, self.values = key, dict(values or {})
