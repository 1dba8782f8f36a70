"""postback deliveries: a partial index over the pending rows in the order the lanes send
them (endpoint, created_at, sequence), so that claiming due deliveries does not walk an
endpoint's delivered history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table("postback_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_postback_deliveries_pending_queue",
            ["endpoint_id", "created_at", "sequence"],
            unique=False,
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        )


def downgrade() -> None:
    with op.batch_alter_table("postback_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_postback_deliveries_pending_queue")
