"""A CSV import of mappings as a job: its progress while it runs, then its report."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ImportStatus = Literal["checking", "done", "failed"]


@dataclass(frozen=True)
class ImportJob:
    job_id: str
    store_id: str
    status: ImportStatus
    all_or_nothing: bool
    total_rows: int
    created_by: str
    created_at: datetime
    checked_rows: int = 0
    applied: int = 0
    unchanged: int = 0
    refused: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)  # line, column, code, values
    failure: str | None = None
    finished_at: datetime | None = None
