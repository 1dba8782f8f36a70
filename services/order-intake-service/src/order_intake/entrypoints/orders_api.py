"""HTTP routes of the orders: operators see all, a client's users their client's (a Store
manager their stores'). Thin: parse, call a handler, shape."""

import base64
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from order_intake.domain.errors import InvalidOrderInput
from order_intake.domain.orders import Shipment
from order_intake.domain.visibility import Viewer
from order_intake.entrypoints.schemas import (
    AddressBody,
    LineCancellation,
    OrderDetail,
    OrderPage,
    OrderSummary,
    ShipmentBody,
    StatusChange,
)
from order_intake.handlers import orders as handlers
from order_intake.handlers.orders import OrderView
from order_intake.ports import OrderFilter
from service_runtime.auth import CurrentPrincipal, Principal, require_roles
from service_runtime.problems import problem_responses

router = APIRouter(prefix="/orders", tags=["orders"])

#: Operators, and the client's Order managers and Admins, act on orders; the others only see.
ACTING = [Depends(require_roles("operator", "admin", "order_manager"))]
OPERATORS = [Depends(require_roles("operator"))]

Status = Annotated[
    list[str] | None,
    Query(alias="status", description="One or more statuses: received, on_hold, accepted, in_production, ..."),
]


def get_uow(request: Request) -> Any:
    return request.app.state.runtime.uow()


UowDep = Annotated[Any, Depends(get_uow)]


def viewer_of(principal: Principal) -> Viewer:
    return Viewer(
        principal.subject,
        principal.role,
        principal.client_id,
        frozenset(principal.store_ids),
        principal.name or principal.email,
    )


def _detail(view: OrderView) -> OrderDetail:
    return OrderDetail.of_view(view.order, view.history)


def _encode(at: datetime, order_id: str) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{order_id}".encode()).decode()


def _decode(cursor: str | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    try:
        at, order_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return datetime.fromisoformat(at), order_id
    except ValueError as error:
        raise InvalidCursor("The cursor is not one this API returned.", field="cursor") from error


class InvalidCursor(InvalidOrderInput):
    status = 400
    title = "Invalid cursor"


@router.get("", response_model=OrderPage, responses=problem_responses(400))
async def list_orders(
    principal: CurrentPrincipal,
    uow: UowDep,
    client_id: Annotated[str | None, Query(max_length=64)] = None,
    store_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Status = None,
    received_from: Annotated[datetime | None, Query(alias="from")] = None,
    received_before: Annotated[datetime | None, Query(alias="to")] = None,
    search: Annotated[str | None, Query(max_length=200, description="Part of the order number or reference")] = None,
    needs_attention: Annotated[
        bool, Query(description="Only possible duplicates and orders cancelled in the shop after production started")
    ] = False,
    cursor: Annotated[str | None, Query(max_length=600)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OrderPage:
    """Orders newest first: an operator's are every client's, a client user's its client's."""
    where = OrderFilter(
        client_ids=frozenset({client_id}) if client_id else None,
        store_ids=frozenset({store_id}) if store_id else None,
        statuses=frozenset(status or ()),
        received_from=received_from,
        received_before=received_before,
        text=search.strip() if search and search.strip() else None,
        needs_attention=needs_attention,
    )
    orders = await handlers.list_orders(
        where, viewer=viewer_of(principal), after=_decode(cursor), limit=limit + 1, uow=uow
    )
    page = list(orders[:limit])
    next_cursor = _encode(page[-1].received_at, page[-1].id) if len(orders) > limit else None
    return OrderPage(items=[OrderSummary.of(o) for o in page], next_cursor=next_cursor)


@router.get("/{order_id}", response_model=OrderDetail, responses=problem_responses(404))
async def get_order(order_id: str, principal: CurrentPrincipal, uow: UowDep) -> OrderDetail:
    """An order: its lines and what each resolved to, holds and their reasons, its status timeline."""
    return _detail(await handlers.get_order(order_id, viewer=viewer_of(principal), uow=uow))


@router.post(
    "/{order_id}/status", response_model=OrderDetail, responses=problem_responses(404, 409), dependencies=ACTING
)
async def change_status(order_id: str, body: StatusChange, principal: CurrentPrincipal, uow: UowDep) -> OrderDetail:
    """Production status (operators); cancel (operators, Order managers, Admins). An illegal or
    backward change is refused with 409 and changes nothing; the same status again changes nothing."""
    view = await handlers.change_status(order_id, body.status, body.reason, viewer=viewer_of(principal), uow=uow)
    return _detail(view)


@router.post(
    "/{order_id}/shipments", response_model=OrderDetail, responses=problem_responses(404, 409), dependencies=OPERATORS
)
async def add_shipment(order_id: str, body: ShipmentBody, principal: CurrentPrincipal, uow: UowDep) -> OrderDetail:
    """A parcel with its carrier and tracking number (operators)."""
    shipment = Shipment(body.tracking_number, body.carrier, body.tracking_url, tuple(body.line_ids))
    return _detail(await handlers.add_shipment(order_id, shipment, viewer=viewer_of(principal), uow=uow))


@router.post(
    "/{order_id}/lines/{line_id}/cancel",
    response_model=OrderDetail,
    responses=problem_responses(404, 409),
    dependencies=ACTING,
)
async def cancel_line(
    order_id: str, line_id: str, body: LineCancellation, principal: CurrentPrincipal, uow: UowDep
) -> OrderDetail:
    """Cancels some or all of a line's quantity before it ships."""
    view = await handlers.cancel_line(
        order_id, line_id, body.quantity, body.reason, viewer=viewer_of(principal), uow=uow
    )
    return _detail(view)


@router.put(
    "/{order_id}/shipping-address",
    response_model=OrderDetail,
    responses=problem_responses(404, 409),
    dependencies=ACTING,
)
async def correct_address(order_id: str, body: AddressBody, principal: CurrentPrincipal, uow: UowDep) -> OrderDetail:
    """Corrects a held order's address; the order goes to production if everything now resolves."""
    view = await handlers.correct_address(order_id, body.to_domain(), viewer=viewer_of(principal), uow=uow)
    return _detail(view)
