"""Connect a WooCommerce shop (URL, consumer key and secret). Thin: parse, call, shape."""

from typing import Any

from fastapi import APIRouter, Request, status

from connector.adapters.address_guard import OutboundAddressGuard
from connector.entrypoints.deps import AddsStores, UowDep, ViewerDep
from connector.entrypoints.platform_schemas import WooCommerceConnect
from connector.entrypoints.schemas import StorePublic
from connector.handlers.woocommerce import ConnectWooCommerce, connect_woocommerce
from service_runtime.problems import problem_responses

router = APIRouter(prefix="/stores", tags=["stores"])


def webhook_address(runtime: Any, platform: str, store_id: str) -> str:
    """Built from the public base URL setting, never from the request."""
    return f"{runtime.connector_settings.public_base_url.rstrip('/')}/webhooks/{platform}/{store_id}"


@router.post(
    "/woocommerce",
    dependencies=[AddsStores],
    status_code=status.HTTP_201_CREATED,
    response_model=StorePublic,
    responses=problem_responses(
        403,
        409,
        422,
        503,
        **{
            "422": "Wrong key or secret, not a WooCommerce shop, plain http, a private address",
            "409": "The shop is already connected",
        },
    ),
)
async def connect(body: WooCommerceConnect, viewer: ViewerDep, uow: UowDep, request: Request) -> StorePublic:
    """Checks the keys with the shop before saving anything, registers the order webhooks with a
    secret of the store's own, and connects the store (StoreConnected)."""
    runtime = request.app.state.runtime
    settings = runtime.connector_settings
    store = await connect_woocommerce(
        viewer,
        ConnectWooCommerce(**body.model_dump()),
        uow=uow,
        adapter=runtime.platforms.adapter("woocommerce"),
        vault=runtime.vault,
        clock=runtime.clock,
        guard=OutboundAddressGuard(allow_private=settings.outbound_allow_private),
        webhook_address=lambda store_id: webhook_address(runtime, "woocommerce", store_id),
        require_https=settings.woocommerce_require_https,
    )
    return StorePublic.of(store)
