"""HTTP routes of a client's postbacks: endpoints, their secret, test events, the delivery
log and replays. Thin: parse, call a handler, shape. Operators and the client's admin only."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from notifier import postback_handlers as handlers
from notifier.commands import ChangeEndpoint, CreateEndpoint, ListDeliveries, ReplayFailed, RotateSecret
from notifier.entrypoints.postback_schemas import (
    DeliveryList,
    DeliveryPublic,
    EndpointChange,
    EndpointCreate,
    EndpointList,
    EndpointPublic,
    EndpointWithSecret,
    Replayed,
    ReplayRange,
    SecretRotation,
)
from service_runtime.auth import Principal, require_roles
from service_runtime.problems import problem_responses

router = APIRouter(prefix="/clients/{client_id}/postbacks", tags=["postbacks"])


def get_runtime(request: Request):
    return request.app.state.runtime


Runtime = Annotated[object, Depends(get_runtime)]
Viewer = Annotated[Principal, Depends(require_roles("operator", "admin"))]
ClientId = Annotated[str, Path(max_length=64)]
EndpointId = Annotated[str, Path(max_length=36)]
DeliveryId = Annotated[str, Path(max_length=64)]


def _with_secret(created: handlers.CreatedEndpoint) -> EndpointWithSecret:
    return EndpointWithSecret(**EndpointPublic.of(created.endpoint).model_dump(), secret=created.secret)


@router.post("/endpoints", status_code=201, response_model=EndpointWithSecret, responses=problem_responses(404))
async def create_endpoint(client_id: ClientId, body: EndpointCreate, viewer: Viewer, runtime: Runtime):
    """Adds an endpoint (enabled). Its signing secret is generated and shown in this answer only.
    The URL must reach a public host (HTTPS in production)."""
    created = await handlers.create_endpoint(
        CreateEndpoint(client_id, body.url, tuple(body.event_types), body.description),
        viewer=viewer,
        uow=runtime.uow(),
        clock=runtime.clock,
        url_guard=runtime.url_guard,
        https_required=runtime.https_required,
    )
    return _with_secret(created)


@router.get("/endpoints", response_model=EndpointList)
async def list_endpoints(client_id: ClientId, viewer: Viewer, runtime: Runtime):
    endpoints = await handlers.list_endpoints(client_id, viewer=viewer, uow=runtime.uow())
    return EndpointList(items=[EndpointPublic.of(e) for e in endpoints])


@router.get("/endpoints/{endpoint_id}", response_model=EndpointPublic, responses=problem_responses(404))
async def get_endpoint(client_id: ClientId, endpoint_id: EndpointId, viewer: Viewer, runtime: Runtime):
    return EndpointPublic.of(await handlers.get_endpoint(client_id, endpoint_id, viewer=viewer, uow=runtime.uow()))


@router.patch("/endpoints/{endpoint_id}", response_model=EndpointPublic, responses=problem_responses(404))
async def change_endpoint(
    client_id: ClientId, endpoint_id: EndpointId, body: EndpointChange, viewer: Viewer, runtime: Runtime
):
    """Changes the URL, the event types or the description; pauses or enables the endpoint."""
    changed = await handlers.change_endpoint(
        ChangeEndpoint(
            client_id,
            endpoint_id,
            url=body.url,
            event_types=tuple(body.event_types) if body.event_types is not None else None,
            description=body.description,
            status=body.status,
        ),
        viewer=viewer,
        uow=runtime.uow(),
        clock=runtime.clock,
        url_guard=runtime.url_guard,
        https_required=runtime.https_required,
    )
    return EndpointPublic.of(changed)


@router.post(
    "/endpoints/{endpoint_id}/secret/rotate", response_model=EndpointWithSecret, responses=problem_responses(404)
)
async def rotate_secret(
    client_id: ClientId, endpoint_id: EndpointId, viewer: Viewer, runtime: Runtime, body: SecretRotation | None = None
):
    """A new signing secret, shown in this answer only. During the overlap both the new and the
    old secret sign (two `v1,` signatures in `webhook-signature`)."""
    overlap = body.overlap_seconds if body and body.overlap_seconds is not None else None
    rotated = await handlers.rotate_secret(
        RotateSecret(
            client_id,
            endpoint_id,
            overlap if overlap is not None else runtime.settings.postback_secret_overlap_seconds,
        ),
        viewer=viewer,
        uow=runtime.uow(),
        clock=runtime.clock,
    )
    return _with_secret(rotated)


@router.post(
    "/endpoints/{endpoint_id}/test", status_code=202, response_model=DeliveryPublic, responses=problem_responses(404)
)
async def send_test_event(client_id: ClientId, endpoint_id: EndpointId, viewer: Viewer, runtime: Runtime):
    """Queues a `postback.test` delivery to the endpoint; follow it in the delivery log."""
    delivery = await handlers.send_test_event(
        client_id, endpoint_id, viewer=viewer, uow=runtime.uow(), clock=runtime.clock
    )
    runtime.postback_delivery.wake()
    return DeliveryPublic.of(delivery)


@router.get("/endpoints/{endpoint_id}/deliveries", response_model=DeliveryList, responses=problem_responses(404))
async def list_deliveries(
    client_id: ClientId,
    endpoint_id: EndpointId,
    viewer: Viewer,
    runtime: Runtime,
    status: Literal["pending", "delivered", "failed"] | None = None,
    order_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    """The delivery log, newest first: each delivery with its attempts (status code, response
    time, the start of the answer)."""
    logs = await handlers.list_deliveries(
        ListDeliveries(client_id, endpoint_id, status=status, order_id=order_id, limit=limit),
        viewer=viewer,
        uow=runtime.uow(),
    )
    return DeliveryList(items=[DeliveryPublic.of_log(log) for log in logs])


@router.get(
    "/endpoints/{endpoint_id}/deliveries/{delivery_id}", response_model=DeliveryPublic, responses=problem_responses(404)
)
async def get_delivery(
    client_id: ClientId, endpoint_id: EndpointId, delivery_id: DeliveryId, viewer: Viewer, runtime: Runtime
):
    found = await handlers.get_delivery(client_id, endpoint_id, delivery_id, viewer=viewer, uow=runtime.uow())
    return DeliveryPublic.of_log(found)


@router.post(
    "/endpoints/{endpoint_id}/deliveries/{delivery_id}/replay",
    status_code=202,
    response_model=DeliveryPublic,
    responses=problem_responses(404),
)
async def replay_delivery(
    client_id: ClientId, endpoint_id: EndpointId, delivery_id: DeliveryId, viewer: Viewer, runtime: Runtime
):
    """Sends the delivery again, with the same webhook-id and a fresh retry schedule."""
    delivery = await handlers.replay_delivery(
        client_id, endpoint_id, delivery_id, viewer=viewer, uow=runtime.uow(), clock=runtime.clock
    )
    runtime.postback_delivery.wake()
    return DeliveryPublic.of(delivery)


@router.post(
    "/endpoints/{endpoint_id}/replay-failed", status_code=202, response_model=Replayed, responses=problem_responses(404)
)
async def replay_failed(
    client_id: ClientId, endpoint_id: EndpointId, body: ReplayRange, viewer: Viewer, runtime: Runtime
):
    """Sends again every failed delivery of the endpoint created in [since, until)."""
    count = await handlers.replay_failed(
        ReplayFailed(client_id, endpoint_id, since=body.since, until=body.until),
        viewer=viewer,
        uow=runtime.uow(),
        clock=runtime.clock,
    )
    runtime.postback_delivery.wake()
    return Replayed(replayed=count)
