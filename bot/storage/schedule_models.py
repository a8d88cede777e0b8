"""The scheduler's tables: per-town overrides, section owners, what was last sent, and
APScheduler's own job store (declared here so the migration creates it and the ledger's
metadata knows it).

Defaults live in bot.settings; a `town_schedules` row holds only what an admin changed
(NULL = the default), so changing a default in the environment reaches every town.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Unicode,
    UniqueConstraint,
)

from bot.storage.models import Base, utcnow
from bot.storage.types import UTCDateTime

JOBS_TABLE = "apscheduler_jobs"

# Same columns as APScheduler 3.9's SQLAlchemyJobStore (which then finds it existing).
apscheduler_jobs = Table(
    JOBS_TABLE,
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)


class TownSchedule(Base):
    """One town's changes to the default schedule and where its messages go."""

    __tablename__ = "town_schedules"

    town_id = Column(Integer, ForeignKey("towns.id"), primary_key=True)
    reminder_day = Column(String(8))  # mon..sun
    reminder_time = Column(String(5))  # HH:MM
    digest_time = Column(String(5))
    draft_time = Column(String(5))
    reminder_enabled = Column(Boolean)
    digest_enabled = Column(Boolean)
    drafts_enabled = Column(Boolean)
    # The work group for reminders; default: the town's first room on the channel.
    room_id = Column(Integer, ForeignKey("rooms.id"))
    # The supervisors' group for digests and drafts; default: the reminder room.
    supervisor_room_id = Column(Integer, ForeignKey("rooms.id"))
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class SectionOwner(Base):
    """Who answers for a report section in a town (mentioned in its reminders)."""

    __tablename__ = "section_owners"
    __table_args__ = (UniqueConstraint("town_id", "section", "name"),)

    id = Column(Integer, primary_key=True)
    town_id = Column(Integer, ForeignKey("towns.id"), nullable=False, index=True)
    section = Column(String(32), nullable=False)
    name = Column(String(100), nullable=False)  # as mentioned: a display name
    person_id = Column(Integer, ForeignKey("people.id"))  # when the name is a registered person
    position = Column(Integer, nullable=False, default=0)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class ScheduleState(Base):
    """What a town's job last sent: the text's hash (no repeats) and the period it covered."""

    __tablename__ = "schedule_state"

    town_id = Column(Integer, ForeignKey("towns.id"), primary_key=True)
    kind = Column(String(32), primary_key=True)  # reminder, digest, draft_compiled, draft_final
    last_hash = Column(String(64))
    last_key = Column(String(32))  # e.g. "2024-10" for a digest, "2024" for a draft
    last_sent_at = Column(UTCDateTime)


class DeliveryClaim(Base):
    """One row per job message that went out (or was about to): its key is unique, so a
    message is sent at most once even when two processes both believe they lead."""

    __tablename__ = "scheduler_deliveries"

    key = Column(String(120), primary_key=True)  # "digest:3:2024-10", "reminder:3:2024-11-04"
    town_id = Column(Integer, ForeignKey("towns.id"), nullable=False)
    kind = Column(String(32), nullable=False)
    claimed_at = Column(UTCDateTime, nullable=False, default=utcnow)
