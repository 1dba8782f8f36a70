"""A store's parked webhooks (ones that could not be read): list them, retry them."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from connector.domain.messages import CATALOG
from connector.domain.parked_webhooks import ParkReason
from connector.entrypoints.deps import ManagesStores, UowDep, ViewerDep
from connector.entrypoints.health_api import say
from connector.entrypoints.schemas import ParkedRetried, ParkedRetry, ParkedWebhookPage, ParkedWebhookPublic
from connector.handlers import health, parked_webhooks
from service_runtime.problems import problem_responses
from service_runtime.translated_problems import request_locale

router = APIRouter(prefix="/stores/{store_id}/parked-webhooks", tags=["stores"])


@router.get("", response_model=ParkedWebhookPage, responses=problem_responses(404, 422))
async def list_parked_webhooks(
    store_id: str,
    request: Request,
    viewer: ViewerDep,
    uow: UowDep,
    cursor: Annotated[int | None, Query(ge=0, description="next_cursor of the page before")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ParkedWebhookPage:
    """The webhooks the shop sent that could not be read (their orders are not taken in), why,
    in the reader's language. Anyone who may see the store."""
    page = await parked_webhooks.list_parked(viewer, store_id, after=cursor, limit=limit, uow=uow)
    locale = request_locale(request)
    items = [
        ParkedWebhookPublic(
            webhook_id=parked.webhook_id,
            topic=parked.topic,
            received_at=parked.received_at,
            parked_at=parked.parked_at,
            reason=say(health.Problem(parked.reason.key, parked.reason.values, detail=parked.reason.detail), locale),
            detail=_cause(parked.reason) if viewer.is_operator else None,
        )
        for parked in page.items
    ]
    return ParkedWebhookPage(
        items=items,
        total=page.total,
        waiting=page.waiting,
        next_cursor=str(page.items[-1].row_id) if page.more else None,
    )


@router.post(
    "/retry",
    dependencies=[ManagesStores],
    response_model=ParkedRetried,
    responses=problem_responses(403, 404, 422),
)
async def retry_parked_webhooks(
    store_id: str, request: Request, viewer: ViewerDep, uow: UowDep, body: ParkedRetry | None = None
) -> ParkedRetried:
    """Reads the store's parked webhooks again (all, or ``webhook_id``), after the cause was
    fixed: an order not taken yet is taken once; one already taken is not taken twice. One that
    still cannot be read is parked again. The client's admin, a Store manager of the store, an
    operator."""
    runtime = request.app.state.runtime
    retried = await parked_webhooks.retry_parked(
        viewer,
        store_id,
        webhook_id=body.webhook_id if body else None,
        uow=uow,
        clock=runtime.clock,
        derive=runtime.webhook_deriving.wake,
    )
    return ParkedRetried(retried=len(retried), webhook_ids=retried)


def _cause(reason: ParkReason) -> str | None:
    """The cause recorded, when it says more than the reason does (a technical one)."""
    if reason.detail == CATALOG.render(reason.key, "en", dict(reason.values)):
        return None
    return reason.detail
