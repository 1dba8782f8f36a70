"""reconciliations: ``error_values``, the values of the last run's failure (JSON), so the
health page says it again in the reader's language instead of the English sentence kept.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reconciliations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_values", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reconciliations", schema=None) as batch_op:
        batch_op.drop_column("error_values")
