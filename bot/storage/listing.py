"""The lists the CLI shows (towns, rooms, people, the review queue): read-only queries,
kept here so that SQL lives in bot/storage only."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.models import Message, MessageStatus, Person, Room, Town


def review_queue(session: Session, limit: int) -> list[Message]:
    """Messages waiting for a person (not understood, failed), oldest first."""
    query = (
        select(Message)
        .where(Message.status.in_(MessageStatus.REVIEW_QUEUE))
        .order_by(Message.sent_at, Message.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def towns_with_counts(session: Session) -> list[tuple[Town, int, int]]:
    """Every town with how many rooms and people it has."""
    rooms = dict(session.execute(select(Room.town_id, func.count()).group_by(Room.town_id)).all())
    people = dict(
        session.execute(select(Person.town_id, func.count()).group_by(Person.town_id)).all()
    )
    towns = session.execute(select(Town).order_by(Town.id)).scalars()
    return [(t, rooms.get(t.id, 0), people.get(t.id, 0)) for t in towns]


def rooms_with_towns(session: Session) -> list[tuple[Room, str]]:
    """Every bound room with its town's name."""
    query = select(Room, Town.name).join(Town, Town.id == Room.town_id).order_by(Room.id)
    return [(room, name) for room, name in session.execute(query)]


def people_with_towns(session: Session, town_id: int | None = None) -> list[tuple[Person, str]]:
    """Registered people (of one town, if given) with their town's name."""
    query = select(Person, Town.name).join(Town, Town.id == Person.town_id).order_by(Person.id)
    if town_id is not None:
        query = query.where(Person.town_id == town_id)
    return [(person, name) for person, name in session.execute(query)]
