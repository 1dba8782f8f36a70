"""Connecting an Etsy shop (OAuth 2.0 with PKCE), its callback, and fetching a store's orders now."""

from typing import Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field

from connector.entrypoints.deps import UowDep, ViewerDep
from connector.entrypoints.schemas import InstallPublic, StorePublic
from connector.handlers import etsy, install
from connector.handlers.order_polls import poll_store_orders
from service_runtime.problems import problem_responses

router = APIRouter(tags=["etsy"])


class EtsyConnect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    test_mode: bool = False
    client_id: str | None = Field(default=None, max_length=36, description="Operators only: the client")
    store_id: str | None = Field(
        default=None, max_length=36, description="Reconnect this store (after a break) instead of adding one"
    )


class OrdersPolled(BaseModel):
    seen: int = Field(description="Orders the platform listed since the high-water mark (minus the overlap)")
    taken: int = Field(description="Orders new to us: each became OrderReceived once")


def _addresses(request: Request) -> install.Addresses:
    return install.Addresses(request.app.state.runtime.connector_settings.public_base_url)


@router.post(
    "/stores/etsy/connect",
    status_code=status.HTTP_201_CREATED,
    response_model=InstallPublic,
    responses=problem_responses(403, 404, 422),
)
async def start_connect(body: EtsyConnect, request: Request, viewer: ViewerDep, uow: UowDep) -> InstallPublic:
    """The authorize address to send the browser to (Etsy's consent page, with the PKCE challenge).
    A new store is ``connecting`` until the seller approves."""
    runtime = request.app.state.runtime
    started = await etsy.start_etsy_connect(
        viewer,
        client_id=body.client_id,
        store_id=body.store_id,
        test_mode=body.test_mode,
        uow=uow,
        platforms=runtime.platforms,
        vault=runtime.vault,
        clock=runtime.clock,
        addresses=_addresses(request),
        state_ttl_seconds=runtime.connector_settings.oauth_state_ttl_seconds,
    )
    return InstallPublic(
        store=StorePublic.of(started.store), authorize_url=started.authorize_url, expires_in=started.expires_in
    )


@router.get("/stores/etsy/callback", response_model=StorePublic, responses=problem_responses(400, 401, 409, 502, 503))
async def callback(request: Request, uow: UowDep) -> Any:
    """Etsy's redirect after the consent: the single-use state, then the code with the kept verifier."""
    runtime = request.app.state.runtime
    store = await etsy.finish_etsy_connect(
        list(request.query_params.multi_items()),
        uow=uow,
        platforms=runtime.platforms,
        vault=runtime.vault,
        clock=runtime.clock,
        addresses=_addresses(request),
    )
    return StorePublic.of(store)


@router.post(
    "/stores/{store_id}/orders/poll", response_model=OrdersPolled, responses=problem_responses(403, 404, 502, 503)
)
async def poll_now(store_id: str, request: Request, viewer: ViewerDep) -> OrdersPolled:
    """Fetch the store's new orders now (stores whose orders are polled: Etsy)."""
    runtime = request.app.state.runtime
    result = await poll_store_orders(
        viewer, store_id, runtime.connections(), overlap_seconds=runtime.connector_settings.order_poll_overlap_seconds
    )
    return OrdersPolled(seen=result.seen, taken=result.taken)
