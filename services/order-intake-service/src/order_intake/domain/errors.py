"""Errors of the order rules, turned into problem+json by the runtime."""

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
    status = 422
    title = "Invalid order"
