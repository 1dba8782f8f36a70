"""Reconciliation: a store's recent orders fetched from its platform, so an order whose webhook
never came (dropped, the subscription gone, our service down for longer than the platform
retries) still arrives. Rules only: no I/O.

Orders found are fed into the same de-duplication as webhooks (by store and platform order id):
an order already taken, by a webhook or an earlier run, is never announced again."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

CONNECTION_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class Reconciliation:
    """How a store's last reconciliation went (shown on its health page)."""

    store_id: str
    last_run_at: datetime | None = None
    seen: int = 0  # orders the platform listed at the last run
    recovered: int = 0  # orders new to us at the last run (their webhooks were missed)
    total_recovered: int = 0  # since the store was first reconciled
    error: str | None = None  # message key of the last run's failure; None when it went through
    error_detail: str | None = None  # the English sentence as it was said
    error_values: Mapping[str, str] = field(default_factory=dict)  # to say it again in the reader's language


def reconcile_since(*, now: datetime, connected_at: datetime, lookback_seconds: int) -> datetime:
    """A run looks back ``lookback_seconds`` (longer than the platforms retry their webhooks),
    never (but for a minute's margin: platforms compare times to the second) before the store was
    connected: orders older than the store are not ours to take."""
    return max(connected_at - timedelta(seconds=CONNECTION_MARGIN_SECONDS), now - timedelta(seconds=lookback_seconds))


def ran(previous: Reconciliation | None, store_id: str, *, at: datetime, seen: int, recovered: int) -> Reconciliation:
    before = previous or Reconciliation(store_id)
    return replace(
        before,
        last_run_at=at,
        seen=seen,
        recovered=recovered,
        total_recovered=before.total_recovered + recovered,
        error=None,
        error_detail=None,
        error_values={},
    )


def failed(
    previous: Reconciliation | None,
    store_id: str,
    *,
    at: datetime,
    key: str,
    detail: str,
    values: Mapping[str, object] | None = None,
) -> Reconciliation:
    before = previous or Reconciliation(store_id)
    kept = {name: str(value) for name, value in (values or {}).items()}
    return replace(before, last_run_at=at, seen=0, recovered=0, error=key, error_detail=detail, error_values=kept)
