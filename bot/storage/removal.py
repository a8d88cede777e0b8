"""Renaming a town, and removing one with everything that belongs to it.

Removal is for a town registered by mistake or handed over: everything it holds is first
written out (its facts as the `taizhang facts` JSON, its messages as a chat export that
`taizhang replay` can read back), then deleted in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.paths import safe_file_stem
from bot.storage.export import fact_rows, to_json
from bot.storage.models import Fact, Message, Person, Room, Town
from bot.storage.registry import RegistryError, find_town, valid_town_name
from bot.storage.schedule_models import DeliveryClaim, ScheduleState, SectionOwner, TownSchedule


@dataclass(frozen=True)
class TownContents:
    """What a town holds; a town with none of it can go without an export."""

    rooms: int
    people: int
    facts: int
    messages: int

    @property
    def empty(self) -> bool:
        return not (self.rooms or self.people or self.facts or self.messages)


def rename_town(session: Session, town: Town, new_name: str) -> Town:
    """Give `town` a new name (its rooms, people and ledger stay with it)."""
    new_name = new_name.strip()
    if not valid_town_name(new_name):
        raise RegistryError(f"not a town name: {new_name[:40]!r}")
    if find_town(session, new_name) is not None:
        raise RegistryError(f"town exists: {new_name}")
    town.name = new_name
    session.flush()
    return town


def _messages_of(town: Town, room_ids: list[int], person_ids: list[int]):
    """The town's messages: those in its rooms, and private ones from its people."""
    return or_(
        Message.room_id.in_(room_ids),
        (Message.room_id.is_(None) & Message.person_id.in_(person_ids)),
    )


def _ids(session: Session, column, condition) -> list[int]:
    return list(session.execute(select(column).where(condition)).scalars())


def _count(session: Session, model, condition) -> int:
    return session.execute(select(func.count()).select_from(model).where(condition)).scalar_one()


def contents(session: Session, town: Town) -> TownContents:
    room_ids = _ids(session, Room.id, Room.town_id == town.id)
    person_ids = _ids(session, Person.id, Person.town_id == town.id)
    return TownContents(
        rooms=len(room_ids),
        people=len(person_ids),
        facts=_count(session, Fact, Fact.town_id == town.id),
        messages=_count(session, Message, _messages_of(town, room_ids, person_ids)),
    )


def export_town(session: Session, town: Town, folder: Path, timezone: str) -> Path:
    """Write the town's facts (JSON) and messages (a replayable chat export) to a new
    folder under `folder`; returns it."""
    zone = ZoneInfo(timezone)
    stamp = datetime.now(zone).strftime("%Y%m%dT%H%M%S")
    target = folder / f"{safe_file_stem(town.name)}-{stamp}"
    target.mkdir(parents=True, exist_ok=False)
    years = session.execute(
        select(func.min(Fact.fact_date), func.max(Fact.fact_date)).where(Fact.town_id == town.id)
    ).one()
    rows = []
    if years[0] is not None:
        for year in range(years[0].year, years[1].year + 1):
            rows += fact_rows(session, year, town_id=town.id, timezone=timezone)
    (target / "facts.json").write_text(to_json(rows), encoding="utf-8")
    room_ids = _ids(session, Room.id, Room.town_id == town.id)
    person_ids = _ids(session, Person.id, Person.town_id == town.id)
    messages = session.execute(
        select(Message)
        .where(_messages_of(town, room_ids, person_ids))
        .order_by(Message.sent_at, Message.id)
    ).scalars()
    with (target / "messages.jsonl").open("w", encoding="utf-8") as out:
        for message in messages:
            line = {
                "id": message.channel_message_id,
                "time": message.sent_at.astimezone(zone).isoformat(),
                "room": message.channel_room_id,
                "sender": message.channel_sender_id,
                "sender_name": message.sender_name,
                "text": message.text,
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return target


def remove_town(session: Session, town: Town) -> None:
    """Delete the town and everything that belongs to it (the caller exports first)."""
    room_ids = _ids(session, Room.id, Room.town_id == town.id)
    person_ids = _ids(session, Person.id, Person.town_id == town.id)
    message_ids = _ids(session, Message.id, _messages_of(town, room_ids, person_ids))
    for model in (DeliveryClaim, ScheduleState, SectionOwner, TownSchedule):
        session.execute(delete(model).where(model.town_id == town.id))
    session.execute(
        update(Fact)
        .where(Fact.corrected_by_message_id.in_(message_ids))
        .values(corrected_by_message_id=None)
    )
    session.execute(update(Fact).where(Fact.town_id == town.id).values(replaces_fact_id=None))
    session.execute(delete(Fact).where(Fact.town_id == town.id))
    session.execute(delete(Message).where(Message.id.in_(message_ids)))
    # messages left elsewhere by people of this town (e.g. after a move) keep their text
    session.execute(update(Message).where(Message.person_id.in_(person_ids)).values(person_id=None))
    session.execute(delete(Person).where(Person.id.in_(person_ids)))
    session.execute(delete(Room).where(Room.id.in_(room_ids)))
    session.delete(town)
    session.flush()
