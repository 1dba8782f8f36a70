"""Connecting a Shopify shop: start the install, and the callback Shopify's grant screen sends
the browser back to (no bearer token there: the single-use state binds it to the client)."""

from typing import Any

from fastapi import APIRouter, Request, status

from connector.entrypoints.deps import ConnectsStores, UowDep, ViewerDep
from connector.entrypoints.schemas import InstallPublic, ShopifyInstall, StorePublic
from connector.handlers import install
from service_runtime.problems import problem_responses

router = APIRouter(prefix="/stores/shopify", tags=["shopify"])


def _addresses(request: Request) -> install.Addresses:
    return install.Addresses(request.app.state.runtime.connector_settings.public_base_url)


@router.post(
    "/install",
    dependencies=[ConnectsStores],
    status_code=status.HTTP_201_CREATED,
    response_model=InstallPublic,
    responses=problem_responses(403, 404, 422),
)
async def start_install(body: ShopifyInstall, request: Request, viewer: ViewerDep, uow: UowDep) -> InstallPublic:
    """The shop's name or address → the authorize address to send the browser to. A new store is
    ``connecting`` until the shop approves."""
    runtime = request.app.state.runtime
    started = await install.start_shopify_install(
        viewer,
        shop=body.shop,
        client_id=body.client_id,
        store_id=body.store_id,
        test_mode=body.test_mode,
        uow=uow,
        platforms=runtime.platforms,
        clock=runtime.clock,
        addresses=_addresses(request),
        state_ttl_seconds=runtime.connector_settings.oauth_state_ttl_seconds,
    )
    return InstallPublic(
        store=StorePublic.of(started.store), authorize_url=started.authorize_url, expires_in=started.expires_in
    )


@router.get("/callback", response_model=StorePublic, responses=problem_responses(400, 401, 409, 502, 503))
async def callback(request: Request, uow: UowDep) -> Any:
    """Shopify's redirect after the approval: signed query, single-use state, the same shop."""
    runtime = request.app.state.runtime
    store = await install.finish_shopify_install(
        list(request.query_params.multi_items()),
        uow=uow,
        platforms=runtime.platforms,
        vault=runtime.vault,
        clock=runtime.clock,
        addresses=_addresses(request),
    )
    return StorePublic.of(store)
