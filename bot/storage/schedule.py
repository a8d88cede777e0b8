"""The scheduler's queries (bot/scheduler decides, this module reads and writes): a town's
rooms, its section owners, and APScheduler's stored next runs."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.storage.models import Person, Room, Town
from bot.storage.schedule_models import SectionOwner, apscheduler_jobs


def first_room(session: Session, town_id: int, channel: str | None) -> Room | None:
    """The town's first registered room (on `channel`, when given)."""
    query = select(Room).where(Room.town_id == town_id).order_by(Room.id)
    if channel is not None:
        query = query.where(Room.channel == channel)
    return session.execute(query.limit(1)).scalar_one_or_none()


def all_towns(session: Session) -> list[Town]:
    return list(session.execute(select(Town).order_by(Town.id)).scalars())


def rooms_of(session: Session, town_id: int) -> list[Room]:
    return list(session.execute(select(Room).where(Room.town_id == town_id)).scalars())


def clear_owners(session: Session, town_id: int, section: str) -> None:
    session.execute(
        delete(SectionOwner).where(SectionOwner.town_id == town_id, SectionOwner.section == section)
    )


def person_named(session: Session, town_id: int, name: str) -> Person | None:
    """The town's first registered person shown as `name`."""
    query = (
        select(Person)
        .where(Person.town_id == town_id, Person.display_name == name)
        .order_by(Person.id)
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def owner_channel_ids(
    session: Session, town_id: int, sections: list[str], channel: str
) -> list[str]:
    """Channel ids of the registered owners of `sections`, in owner order (may repeat)."""
    query = (
        select(Person.channel_person_id)
        .join(SectionOwner, SectionOwner.person_id == Person.id)
        .where(
            SectionOwner.town_id == town_id,
            SectionOwner.section.in_(sections),
            Person.channel == channel,
        )
        .order_by(SectionOwner.section, SectionOwner.position, SectionOwner.id)
    )
    return list(session.execute(query).scalars())


def owner_names(session: Session, town_id: int) -> list[tuple[str, str]]:
    """(section, owner name) in the order they were set."""
    query = (
        select(SectionOwner.section, SectionOwner.name)
        .where(SectionOwner.town_id == town_id)
        .order_by(SectionOwner.section, SectionOwner.position, SectionOwner.id)
    )
    return [(section, name) for section, name in session.execute(query)]


def stored_job_runs(session: Session) -> list[tuple[str, float | None]]:
    """(job id, next run as a POSIX timestamp) from APScheduler's own table."""
    query = select(apscheduler_jobs.c.id, apscheduler_jobs.c.next_run_time)
    return [(job_id, ts) for job_id, ts in session.execute(query)]
