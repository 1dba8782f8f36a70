"""GET /stores/{id}/orders/{platform_order_id}/tracking: what the shop was told of an order's
parcels, in the reader's language. Thin."""

from collections.abc import Mapping

from fastapi import APIRouter, Request

from connector.domain.messages import CATALOG
from connector.domain.tracking import ShipmentPush
from connector.entrypoints.deps import UowDep, ViewerDep
from connector.entrypoints.schemas import ProblemPublic
from connector.entrypoints.tracking_schemas import OrderTrackingPublic, ParcelPublic
from connector.handlers import tracking
from service_runtime.problems import problem_responses
from service_runtime.translated_problems import request_locale

router = APIRouter(prefix="/stores/{store_id}/orders", tags=["tracking"])


def _said(key: str, values: Mapping[str, str], locale: str) -> ProblemPublic:
    return ProblemPublic(code=key, message=CATALOG.render(key, locale, dict(values)))


def _parcel(push: ShipmentPush, locale: str) -> ParcelPublic:
    values = {"tracking_number": push.tracking_number, "platform_order_id": push.platform_order_id or ""}
    return ParcelPublic(
        order_id=push.order_id,
        tracking_number=push.tracking_number,
        carrier=push.carrier,
        tracking_url=push.tracking_url,
        line_ids=list(push.line_ids),
        state=push.state,
        said=_said(f"tracking_{push.state}", values, locale),
        attempts=push.attempts,
        next_attempt_at=push.next_attempt_at if push.state == "pending" else None,
        last_error=None
        if push.last_error is None
        else _said(push.last_error, {**values, **push.last_error_values}, locale),
        pushed_at=push.pushed_at,
        confirmed_at=push.confirmed_at,
    )


@router.get("/{platform_order_id}/tracking", response_model=OrderTrackingPublic, responses=problem_responses(404))
async def order_tracking(
    store_id: str, platform_order_id: str, request: Request, viewer: ViewerDep, uow: UowDep
) -> OrderTrackingPublic:
    """Each parcel of the store's order and what the shop was told: pushed and confirmed, waiting
    for its next attempt (the shop did not answer), refused, or not applicable (no shop to tell)."""
    pushes = await tracking.tracking_of(viewer, store_id, platform_order_id, uow=uow)
    locale = request_locale(request)
    return OrderTrackingPublic(
        store_id=store_id, platform_order_id=platform_order_id, parcels=[_parcel(p, locale) for p in pushes]
    )
