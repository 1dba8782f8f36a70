"""POST /stores/{id}/reconcile: "Reconcile now" — the store's recent orders fetched again, any
its webhooks missed taken once."""

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from connector.entrypoints.deps import ManagesStores, ViewerDep
from connector.handlers.reconciliation import reconcile_now
from service_runtime.problems import problem_responses

router = APIRouter(tags=["stores"])


class Reconciled(BaseModel):
    seen: int = Field(description="Orders the platform listed for the period looked at")
    recovered: int = Field(description="Orders new to us (their webhooks were missed): each became OrderReceived once")
    ran_at: datetime


@router.post(
    "/stores/{store_id}/reconcile",
    response_model=Reconciled,
    dependencies=[ManagesStores],
    responses=problem_responses(403, 404, 409, 422, 502, 503),
)
async def reconcile(store_id: str, request: Request, viewer: ViewerDep) -> Reconciled:
    """Fetch the store's recent orders from its platform now (Shopify, WooCommerce, Etsy)."""
    runtime = request.app.state.runtime
    settings = runtime.connector_settings
    result = await reconcile_now(
        viewer,
        store_id,
        runtime.connections(),
        lookback_seconds=settings.reconcile_lookback_seconds,
        poll_overlap_seconds=settings.order_poll_overlap_seconds,
    )
    return Reconciled(seen=result.seen, recovered=result.recovered, ran_at=runtime.clock.now())
