"""sync jobs: ``heartbeat_at``, the last sign of life of the process running a sync, so that a
process starting fails only the syncs a stopped process left running, not those another
process of the service is running (a webhook front apart, a second process).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 05:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_jobs", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
