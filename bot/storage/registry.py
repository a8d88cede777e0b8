"""Towns, rooms and people: who belongs where. Used by the admin commands and the channels.

Every function is idempotent (get-or-create), so a replay killed halfway and started again
registers nothing twice. Callers commit.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import ROLES, Person, Room, Town


class RegistryError(ValueError):
    """A registration request that cannot be honoured (unknown town, bad role…)."""


# A town's name: Chinese characters, letters and digits (and the middle dot), 2-20 of them.
# It names files and folders and is read aloud in chat: nothing else belongs in it.
_TOWN_NAME = re.compile(r"[\u3400-\u9fffA-Za-z0-9·]{2,20}")


def valid_town_name(name: str) -> bool:
    return bool(_TOWN_NAME.fullmatch(name or ""))


def find_town(session: Session, name: str) -> Town | None:
    return session.execute(select(Town).where(Town.name == name)).scalar_one_or_none()


def get_or_create_town(session: Session, name: str) -> Town:
    name = name.strip()
    if not name:
        raise RegistryError("town name is empty")
    if not valid_town_name(name):
        raise RegistryError(f"not a town name: {name[:40]!r}")
    town = find_town(session, name)
    if town is None:
        town = Town(name=name)
        session.add(town)
        session.flush()
    return town


def list_towns(session: Session) -> list[Town]:
    return list(session.execute(select(Town).order_by(Town.id)).scalars())


def find_room(session: Session, channel: str, channel_room_id: str) -> Room | None:
    return session.execute(
        select(Room).where(Room.channel == channel, Room.channel_room_id == channel_room_id)
    ).scalar_one_or_none()


def bind_room(
    session: Session,
    channel: str,
    channel_room_id: str,
    town: Town,
    *,
    topic: str | None = None,
    mentions_only: bool | None = None,
) -> Room:
    """Register a room to a town, or move it there; `mentions_only` None keeps the setting."""
    room = find_room(session, channel, channel_room_id)
    if room is None:
        room = Room(
            channel=channel,
            channel_room_id=channel_room_id,
            town_id=town.id,
            topic=topic,
            mentions_only=bool(mentions_only),
        )
        session.add(room)
    else:
        room.town_id = town.id
        if topic is not None:
            room.topic = topic
        if mentions_only is not None:
            room.mentions_only = mentions_only
    session.flush()
    return room


def list_rooms(session: Session) -> list[Room]:
    return list(session.execute(select(Room).order_by(Room.id)).scalars())


def find_person(session: Session, channel: str, channel_person_id: str) -> Person | None:
    return session.execute(
        select(Person).where(
            Person.channel == channel, Person.channel_person_id == channel_person_id
        )
    ).scalar_one_or_none()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise RegistryError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return role


def add_person(
    session: Session,
    channel: str,
    channel_person_id: str,
    town: Town,
    *,
    display_name: str | None = None,
    role: str = "staff",
) -> Person:
    """Register a person (or update name/town/role of a known one)."""
    check_role(role)
    person = find_person(session, channel, channel_person_id)
    if person is None:
        person = Person(
            channel=channel,
            channel_person_id=channel_person_id,
            display_name=(display_name or channel_person_id)[:100],
            town_id=town.id,
            role=role,
        )
        session.add(person)
    else:
        person.town_id = town.id
        person.role = role
        if display_name:
            person.display_name = display_name[:100]
    session.flush()
    return person


def ensure_person(
    session: Session,
    channel: str,
    channel_person_id: str,
    town: Town,
    *,
    display_name: str | None = None,
) -> Person:
    """The person if known (left unchanged), else registered to `town` as staff."""
    person = find_person(session, channel, channel_person_id)
    if person is not None:
        return person
    return add_person(session, channel, channel_person_id, town, display_name=display_name)


def list_people(session: Session, town: Town | None = None) -> list[Person]:
    query = select(Person).order_by(Person.id)
    if town is not None:
        query = query.where(Person.town_id == town.id)
    return list(session.execute(query).scalars())


def town_admins(session: Session, town: Town) -> list[Person]:
    """The town's administrators, oldest first."""
    return list(
        session.execute(
            select(Person)
            .where(Person.town_id == town.id, Person.role == "admin")
            .order_by(Person.id)
        ).scalars()
    )


def find_people(session: Session, key: str, town: Town | None = None) -> list[Person]:
    """People whose channel id or display name is `key` (of one town, or any)."""
    query = (
        select(Person)
        .where((Person.channel_person_id == key) | (Person.display_name == key))
        .order_by(Person.id)
    )
    if town is not None:
        query = query.where(Person.town_id == town.id)
    return list(session.execute(query).scalars())
