"""scheduler delivery claims: each job message is sent at most once, even by two leaders

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 08:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduler_deliveries",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_scheduler_deliveries_town_id_towns")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_scheduler_deliveries")),
    )


def downgrade() -> None:
    op.drop_table("scheduler_deliveries")
