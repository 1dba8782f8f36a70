"""Webhooks in: ``POST /webhooks/{platform}/{store_id}`` (the address registered with the
platform for one store) and ``POST /webhooks/{platform}`` (the app's own topics, e.g. Shopify's
privacy webhooks, for the shop its headers name). No bearer token: the platform's signature
is the authentication. Answers 200 only once the delivery is durable."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from connector.entrypoints.deps import UowDep
from connector.handlers import webhooks
from service_runtime.problems import problem_responses

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
RESPONSES = problem_responses(401, 404, 410, **{"401": "The signature does not match: nothing was stored"})


def _headers(request: Request) -> dict[str, str]:
    return {k.lower(): v for k, v in request.headers.items()}


@router.post("/{platform}/{store_id}", responses=RESPONSES)
async def store_webhook(platform: str, store_id: str, request: Request, uow: UowDep) -> Any:
    runtime = request.app.state.runtime
    answer = await webhooks.receive_webhook(
        platform,
        store_id,
        await request.body(),
        _headers(request),
        uow=uow,
        platforms=runtime.platforms,
        vault=runtime.vault,
        clock=runtime.clock,
        known=runtime.webhook_stores,
    )
    if answer.products_to_sync:
        await runtime.syncs.start_products(store_id, list(answer.products_to_sync))
    return JSONResponse(dict(answer.reply) if answer.reply is not None else {"status": answer.status})


@router.post("/{platform}", responses=RESPONSES)
async def app_webhook(platform: str, request: Request, uow: UowDep) -> Any:
    runtime = request.app.state.runtime
    answers = await webhooks.receive_app_webhook(
        platform,
        await request.body(),
        _headers(request),
        uow=uow,
        platforms=runtime.platforms,
        vault=runtime.vault,
        clock=runtime.clock,
    )
    return JSONResponse({"status": "accepted", "stores": len(answers)})
