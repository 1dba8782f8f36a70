"""history entries said by code, who by name; orders without a total

Order history entries keep a code, its values and each hold's code next to their English
reason, and the actor's name next to the id; a client's order rules keep who set them by
name; an order placed or imported without prices has no total (not a made-up 0).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("client_policies") as table:
        table.add_column(sa.Column("updated_by_name", sa.String(length=320), nullable=True))
    with op.batch_alter_table("order_history") as table:
        table.add_column(sa.Column("actor_name", sa.String(length=320), nullable=True))
        table.add_column(sa.Column("code", sa.String(length=60), nullable=True))
        table.add_column(sa.Column("params", sa.JSON(), nullable=True))
        table.add_column(sa.Column("holds", sa.JSON(), nullable=True))
    with op.batch_alter_table("orders") as table:
        table.alter_column("total", existing_type=sa.String(length=40), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("orders") as table:
        table.alter_column("total", existing_type=sa.String(length=40), nullable=False)
    with op.batch_alter_table("order_history") as table:
        table.drop_column("holds")
        table.drop_column("params")
        table.drop_column("code")
        table.drop_column("actor_name")
    with op.batch_alter_table("client_policies") as table:
        table.drop_column("updated_by_name")
