"""GET /stores/{id}/health: the store's connection as a client can understand it."""

from string import Formatter

from fastapi import APIRouter, Request

from connector.domain.messages import CATALOG
from connector.entrypoints.deps import UowDep, ViewerDep
from connector.entrypoints.schemas import HealthPublic, ProblemPublic, ReconciliationSummary, SyncSummary
from connector.handlers import health
from service_runtime.problems import problem_responses
from service_runtime.translated_problems import request_locale

router = APIRouter(prefix="/stores/{store_id}", tags=["stores"])


def say(problem: health.Problem, locale: str) -> ProblemPublic:
    template = (CATALOG.messages.get(problem.key) or {}).get(locale, "")
    needed = {name for _, name, _, _ in Formatter().parse(template) if name}
    if problem.detail and not needed <= set(problem.values):
        message = problem.detail  # said when it happened; its values were not kept
    else:
        message = CATALOG.render(problem.key, locale, dict(problem.values))
    return ProblemPublic(code=problem.key, message=message)


@router.get("/health", response_model=HealthPublic, responses=problem_responses(404))
async def store_health(store_id: str, request: Request, viewer: ViewerDep, uow: UowDep) -> HealthPublic:
    """Checks the credentials and webhook subscriptions with the shop now; the last webhook, the
    last sync and the last errors, in the reader's language."""
    runtime = request.app.state.runtime
    found = await health.store_health(viewer, store_id, uow=uow, platforms=runtime.platforms, vault=runtime.vault)
    locale = request_locale(request)
    sync = found.last_sync
    return HealthPublic(
        store_id=found.store.id,
        status=found.store.status,
        credentials_valid=found.credentials_valid,
        webhooks_expected=list(found.webhooks_expected),
        webhooks_registered=None if found.webhooks_registered is None else list(found.webhooks_registered),
        webhooks_missing=list(found.webhooks_missing),
        last_webhook_at=found.last_webhook_at,
        last_sync=None
        if sync is None
        else SyncSummary(
            id=sync.id,
            status=sync.status,
            done=sync.done,
            total=sync.total,
            changed=sync.changed,
            removed=sync.removed,
            error=sync.error,
            started_at=sync.started_at,
            finished_at=sync.finished_at,
        ),
        last_error=None if found.last_error is None else say(found.last_error, locale),
        last_error_at=found.last_error_at,
        problems=[say(p, locale) for p in found.problems],
        reconciliation=_reconciliation(found, locale),
        parked_webhooks=found.parked_webhooks,
        needs_attention=found.needs_attention,
    )


def _reconciliation(found: health.StoreHealth, locale: str) -> ReconciliationSummary | None:
    run = found.reconciliation
    if run is None:
        return None
    error = (
        None if run.error is None else say(health.Problem(run.error, run.error_values, detail=run.error_detail), locale)
    )
    return ReconciliationSummary(
        last_run_at=run.last_run_at,
        seen=run.seen,
        recovered=run.recovered,
        total_recovered=run.total_recovered,
        error=error,
    )
