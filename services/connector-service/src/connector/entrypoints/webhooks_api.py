"""Webhooks in: ``POST /webhooks/{platform}/{store_id}`` (the address registered with the
platform for one store) and ``POST /webhooks/{platform}`` (the app's own topics, e.g. Shopify's
privacy webhooks, for the shop its headers name). No bearer token: the platform's signature
is the authentication. Answers 200 only once the delivery is durable.

The store webhook is the connector's busiest route (a shop's orders, in bursts): webhook_front.py
answers it ahead of the API's middleware and passes on here only the webhooks it does not take
(refused, over the body limit); ``ROUTES`` serves those as a plain Starlette route placed before
every other route, and the FastAPI route below documents it in the OpenAPI schema and runs the
same code."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response
from starlette.routing import Route

from connector.handlers import webhooks
from service_runtime.problems import problem_responses

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
RESPONSES = problem_responses(401, 404, 410, **{"401": "The signature does not match: nothing was stored"})
_ANSWERS = {status: f'{{"status":"{status}"}}'.encode() for status in ("accepted", "duplicate", "unreadable")}


def _headers(request: Request) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in request.scope["headers"]}


async def _store_webhook(request: Request) -> Response:
    runtime = request.app.state.runtime
    store_id = request.path_params["store_id"]
    answer = await webhooks.receive_webhook(
        request.path_params["platform"],
        store_id,
        await request.body(),
        _headers(request),
        uow=runtime.uow(),
        platforms=runtime.platforms,
        vault=runtime.vault,
        clock=runtime.clock,
        known=runtime.webhook_stores,
        groups=runtime.webhook_groups,
        stored=runtime.webhook_deriving.wake,
    )
    if answer.products_to_sync:
        await runtime.syncs.start_products(store_id, list(answer.products_to_sync))
    if answer.reply is not None:
        return JSONResponse(dict(answer.reply))
    return Response(_ANSWERS[answer.status], media_type="application/json")


@router.post("/{platform}/{store_id}", responses=RESPONSES)
async def store_webhook(platform: str, store_id: str, request: Request) -> Any:
    """A webhook of one store (served by ``ROUTES``; documented here)."""
    return await _store_webhook(request)


#: Matched before the API's other routes (connector.main puts them first).
ROUTES = [Route("/webhooks/{platform}/{store_id}", _store_webhook, methods=["POST"])]


@router.post("/{platform}", responses=RESPONSES)
async def app_webhook(platform: str, request: Request) -> Any:
    runtime = request.app.state.runtime
    answers = await webhooks.receive_app_webhook(
        platform,
        await request.body(),
        _headers(request),
        uow=runtime.uow(),
        platforms=runtime.platforms,
        vault=runtime.vault,
        clock=runtime.clock,
        derive_first=runtime.webhook_deriving.catch_up,
    )
    return JSONResponse({"status": "accepted", "stores": len(answers)})
