"""order import jobs: ``heartbeat_at``, when the process running an import last saved its
progress, so that only imports a stopped process left are marked interrupted, never one another
process of the service is running.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 05:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("order_import_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("order_import_jobs", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
