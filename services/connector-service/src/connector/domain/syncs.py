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


def plan_batches(sizes: list[tuple[str, int]], *, max_products: int, max_bytes: int) -> list[list[str]]:
    """Products (id, size) cut into batches of at most ``max_products`` and, past the first
    product of a batch, ``max_bytes``: a catalog with many variants per product makes smaller
    batches, never an event too large for the bus. Known in full before the first is sent."""
    batches: list[list[str]] = []
    current: list[str] = []
    current_bytes = 0
    for product_id, size in sizes:
        if current and (len(current) >= max_products or current_bytes + size > max_bytes):
            batches.append(current)
            current, current_bytes = [], 0
        current.append(product_id)
        current_bytes += size
    if current:
        batches.append(current)
    return batches
