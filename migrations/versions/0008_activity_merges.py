"""activity merges: `taizhang activities merge|rename` records who folded which activity name
into which, and the facts that moved, so a merge can be listed and undone and later facts under
the old name are stored under the new one

Revision ID: 0008
Revises: 0007 (the lead rechains it after 0007 at merge)
Create Date: 2026-11-30 12:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("fact_ids", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(length=100), nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
        sa.Column("undone_by", sa.String(length=100), nullable=True),
        sa.Column("undone_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_merges")),
    )
    op.create_index(op.f("ix_activity_merges_source"), "activity_merges", ["source"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_activity_merges_source"), table_name="activity_merges")
    op.drop_table("activity_merges")
