"""A CSV import of orders into a manual store: a job with progress and a report. Rules only."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from order_intake.domain.order_csv import RowError

JobStatus = Literal["running", "done", "refused", "interrupted"]


@dataclass
class ImportJob:
    id: str
    client_id: str
    store_id: str
    created_by: str
    created_at: datetime
    rows: int
    orders_total: int
    status: JobStatus = "running"
    orders_done: int = 0
    orders_created: int = 0
    orders_existing: int = 0
    orders_flagged: int = 0
    orders_failed: int = 0
    errors: list[RowError] = field(default_factory=list)
    finished_at: datetime | None = None

    def progress(self, *, created: int, existing: int, flagged: int, failed: int, errors: list[RowError]) -> None:
        self.orders_created += created
        self.orders_existing += existing
        self.orders_flagged += flagged
        self.orders_failed += failed
        self.orders_done += created + existing + flagged + failed
        self.errors = sorted([*self.errors, *errors], key=lambda e: e.line)

    def finish(self, at: datetime) -> None:
        self.status = "done"
        self.finished_at = at
