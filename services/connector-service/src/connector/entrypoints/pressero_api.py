"""Pressero: connect a store by its integration ID, verify the connection with a test order,
and the integration's webhook address (no bearer token: the MessageHash is the authentication)."""

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from connector.entrypoints.deps import AddsStores, ManagesStores, UowDep, ViewerDep
from connector.entrypoints.platform_schemas import DeliveryAnswer, PresseroConnect, PresseroConnected
from connector.entrypoints.schemas import StorePublic
from connector.handlers import pressero, webhooks
from service_runtime.problems import problem_responses

router = APIRouter(tags=["pressero"])


def _webhook_url(runtime: Any, integration_id: str) -> str:
    return f"{runtime.connector_settings.public_base_url.rstrip('/')}/webhooks/pressero/integrations/{integration_id}"


@router.post(
    "/stores/pressero",
    dependencies=[AddsStores],
    status_code=status.HTTP_201_CREATED,
    response_model=PresseroConnected,
    responses=problem_responses(403, 409, 422, **{"422": "The client has no reference ID (set one first)"}),
)
async def connect(body: PresseroConnect, viewer: ViewerDep, uow: UowDep, request: Request) -> PresseroConnected:
    """The store's integration ID is the client's reference ID. The answer gives the webhook
    address and the security key to set in Pressero (the key is shown only here)."""
    runtime = request.app.state.runtime
    connected = await pressero.connect_pressero(
        viewer,
        pressero.ConnectPressero(**body.model_dump()),
        uow=uow,
        vault=runtime.vault,
        clock=runtime.clock,
        key_minimum=runtime.connector_settings.pressero_security_key_min_length,
    )
    return PresseroConnected(
        store=StorePublic.of(connected.store),
        integration_id=connected.integration_id,
        webhook_url=_webhook_url(runtime, connected.integration_id),
        security_key=connected.security_key,
        line_attributes=list(connected.line_attributes),
    )


@router.post(
    "/stores/{store_id}/pressero/test-order",
    dependencies=[ManagesStores],
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryAnswer,
    responses=problem_responses(403, 404),
)
async def test_order(store_id: str, viewer: ViewerDep, uow: UowDep, request: Request) -> DeliveryAnswer:
    """ "Verify the connection": a signed test order goes through the same intake as Pressero's
    (an OrderReceived marked test, shown in the store's orders dashboard)."""
    runtime = request.app.state.runtime
    body, message_hash = await pressero.test_order_delivery(viewer, store_id, uow=uow, vault=runtime.vault)
    answer = await webhooks.receive_webhook(
        "pressero",
        store_id,
        body,
        {"messagehash": message_hash, "content-type": "application/json"},
        uow=runtime.uow(),
        platforms=runtime.platforms,
        vault=runtime.vault,
        clock=runtime.clock,
    )
    return DeliveryAnswer(status=answer.status, store_id=answer.store_id)


@router.post(
    "/webhooks/pressero/integrations/{integration_id}",
    tags=["webhooks"],
    responses=problem_responses(401, 404, **{"404": "Unknown integration ID: nothing was stored"}),
)
async def integration_webhook(integration_id: str, request: Request, uow: UowDep) -> Any:
    """Pressero's orders for one integration, signed with the store's security key (MessageHash)."""
    runtime = request.app.state.runtime
    store_id = await pressero.store_of_integration(integration_id, uow=uow)
    answer = await webhooks.receive_webhook(
        "pressero",
        store_id,
        await request.body(),
        {k.lower(): v for k, v in request.headers.items()},
        uow=runtime.uow(),
        platforms=runtime.platforms,
        vault=runtime.vault,
        clock=runtime.clock,
    )
    return JSONResponse({"status": answer.status})
