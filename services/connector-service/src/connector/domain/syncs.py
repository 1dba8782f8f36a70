"""Product syncs: a background job per store with progress (done / total) and a result. Rules only."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

SyncStatus = Literal["running", "succeeded", "failed"]


@dataclass(frozen=True)
class SyncJob:
    id: str
    store_id: str
    status: SyncStatus
    full: bool  # publish every product (full_sync=True) instead of what changed
    started_at: datetime
    product_ids: tuple[str, ...] = ()  # a sync of some products only (a products/update webhook)
    done: int = 0  # products read from the shop
    total: int | None = None  # products the shop says it has, when it says so
    changed: int = 0  # products published (new, changed, unpublished)
    removed: int = 0  # products gone from the shop, published as deleted
    batches: int = 0
    error: str | None = None  # message key
    error_detail: str | None = None
    finished_at: datetime | None = None

    @property
    def partial(self) -> bool:
        return bool(self.product_ids)


def progressed(job: SyncJob, *, read: int, total: int | None) -> SyncJob:
    return replace(job, done=job.done + read, total=total if total is not None else job.total)


def succeeded(job: SyncJob, *, changed: int, removed: int, batches: int, now: datetime) -> SyncJob:
    total = job.total if job.total is not None else job.done
    return replace(
        job,
        status="succeeded",
        changed=changed,
        removed=removed,
        batches=batches,
        total=max(total, job.done),
        finished_at=now,
    )


def failed(job: SyncJob, *, error: str, detail: str, now: datetime) -> SyncJob:
    return replace(job, status="failed", error=error, error_detail=detail, finished_at=now)


def batch_count(products: int, batch_size: int) -> int:
    return max(1, -(-products // batch_size)) if products else 0
