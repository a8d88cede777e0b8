"""scheduler: town schedules, section owners, last-sent state, APScheduler job store

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "town_schedules",
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("reminder_day", sa.String(length=8), nullable=True),
        sa.Column("reminder_time", sa.String(length=5), nullable=True),
        sa.Column("digest_time", sa.String(length=5), nullable=True),
        sa.Column("draft_time", sa.String(length=5), nullable=True),
        sa.Column("reminder_enabled", sa.Boolean(), nullable=True),
        sa.Column("digest_enabled", sa.Boolean(), nullable=True),
        sa.Column("drafts_enabled", sa.Boolean(), nullable=True),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("supervisor_room_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_town_schedules_town_id_towns")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_town_schedules_room_id_rooms")
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_room_id"],
            ["rooms.id"],
            name=op.f("fk_town_schedules_supervisor_room_id_rooms"),
        ),
        sa.PrimaryKeyConstraint("town_id", name=op.f("pk_town_schedules")),
    )
    op.create_table(
        "section_owners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_section_owners_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_section_owners_town_id_towns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section_owners")),
        sa.UniqueConstraint(
            "town_id", "section", "name", name=op.f("uq_section_owners_town_id_section_name")
        ),
    )
    with op.batch_alter_table("section_owners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_section_owners_town_id"), ["town_id"], unique=False)
    op.create_table(
        "schedule_state",
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=True),
        sa.Column("last_key", sa.String(length=32), nullable=True),
        sa.Column("last_sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_schedule_state_town_id_towns")
        ),
        sa.PrimaryKeyConstraint("town_id", "kind", name=op.f("pk_schedule_state")),
    )
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apscheduler_jobs")),
    )
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_apscheduler_jobs_next_run_time"), ["next_run_time"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apscheduler_jobs_next_run_time"))
    op.drop_table("apscheduler_jobs")
    op.drop_table("schedule_state")
    with op.batch_alter_table("section_owners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_section_owners_town_id"))
    op.drop_table("section_owners")
    op.drop_table("town_schedules")
