"""Each town's effective schedule: the settings' defaults with the town's stored overrides,
the rooms its messages go to, and its section owners.

Rooms: reminders go to the town's *work room* — the room set with `taizhang schedule set
--room`, else the town's first registered room on the running channel. Digests and
drafts go to the *supervisors' room* — set with `--supervisor-room`, else the work room.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from sqlalchemy.orm import Session

from bot.settings import Settings
from bot.storage import schedule
from bot.storage.models import Room, Town
from bot.storage.schedule_models import SectionOwner, TownSchedule

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KINDS = ("reminder", "digest", "draft_compiled", "draft_final")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_MONTH_DAY = re.compile(r"^(0?[1-9]|1[0-2])-(0?[1-9]|[12]\d|3[01])$")


class ScheduleError(ValueError):
    """A schedule value that cannot be used (the message names the bad value)."""


def parse_time(value: str) -> time:
    match = _TIME.match(str(value).strip())
    if not match:
        raise ScheduleError(value)
    return time(int(match.group(1)), int(match.group(2)))


def parse_weekday(value: str) -> str:
    day = str(value).strip().lower()[:3]
    if day not in WEEKDAYS:
        raise ScheduleError(value)
    return day


def parse_month_day(value: str) -> tuple[int, int]:
    match = _MONTH_DAY.match(str(value).strip())
    if not match:
        raise ScheduleError(value)
    return int(match.group(1)), int(match.group(2))


@dataclass(frozen=True)
class TownPlan:
    """What a town's jobs do and where they post (room ids are the channel's ids)."""

    town_id: int
    town: str
    reminder_day: str
    reminder_time: time
    digest_time: time
    draft_time: time
    compiled_date: tuple[int, int]  # (month, day)
    final_date: tuple[int, int]
    reminder_enabled: bool
    digest_enabled: bool
    drafts_enabled: bool
    room: str | None
    room_is_default: bool
    supervisor_room: str | None
    supervisor_room_is_default: bool

    def enabled(self, kind: str) -> bool:
        if kind == "reminder":
            return self.reminder_enabled
        if kind == "digest":
            return self.digest_enabled
        return self.drafts_enabled

    def room_for(self, kind: str) -> str | None:
        return self.room if kind == "reminder" else self.supervisor_room


def town_plan(
    session: Session, settings: Settings, town: Town, channel: str | None = "wechaty"
) -> TownPlan:
    """The town's schedule: stored overrides over the settings' defaults."""
    row = session.get(TownSchedule, town.id)

    def pick(name: str, default):
        value = getattr(row, name, None) if row is not None else None
        return default if value is None else value

    room = session.get(Room, row.room_id) if row is not None and row.room_id else None
    room_default = room is None
    if room is None:
        room = schedule.first_room(session, town.id, channel)
    supervisor = (
        session.get(Room, row.supervisor_room_id)
        if row is not None and row.supervisor_room_id
        else None
    )
    supervisor_default = supervisor is None
    if supervisor is None:
        supervisor = room
    return TownPlan(
        town_id=town.id,
        town=town.name,
        reminder_day=parse_weekday(pick("reminder_day", settings.reminder_day)),
        reminder_time=parse_time(pick("reminder_time", settings.reminder_time)),
        digest_time=parse_time(pick("digest_time", settings.digest_time)),
        draft_time=parse_time(pick("draft_time", settings.draft_time)),
        compiled_date=parse_month_day(settings.draft_compiled_date),
        final_date=parse_month_day(settings.draft_final_date),
        reminder_enabled=bool(pick("reminder_enabled", True)),
        digest_enabled=bool(pick("digest_enabled", True)),
        drafts_enabled=bool(pick("drafts_enabled", True)),
        room=room.channel_room_id if room is not None else None,
        room_is_default=room_default,
        supervisor_room=supervisor.channel_room_id if supervisor is not None else None,
        supervisor_room_is_default=supervisor_default,
    )


def all_plans(session: Session, settings: Settings, channel: str | None = "wechaty") -> list:
    return [town_plan(session, settings, town, channel) for town in schedule.all_towns(session)]


def set_schedule(session: Session, town: Town, **changes) -> TownSchedule:
    """Store overrides for a town; a value of None leaves that field unchanged.
    Validates times and weekdays first (ScheduleError). Callers commit."""
    if changes.get("reminder_day") is not None:
        changes["reminder_day"] = parse_weekday(changes["reminder_day"])
    for key in ("reminder_time", "digest_time", "draft_time"):
        if changes.get(key) is not None:
            changes[key] = parse_time(changes[key]).strftime("%H:%M")
    row = session.get(TownSchedule, town.id)
    if row is None:
        row = TownSchedule(town_id=town.id)
        session.add(row)
    for key, value in changes.items():
        if value is not None:
            setattr(row, key, value)
    session.flush()
    return row


def find_town_room(session: Session, town: Town, room_id: str) -> Room | None:
    """A room of this town by its channel id (or its topic, for people typing names)."""
    rooms = schedule.rooms_of(session, town.id)
    for room in rooms:
        if room.channel_room_id == room_id:
            return room
    for room in rooms:
        if room.topic and room.topic == room_id:
            return room
    return None


# ---- section owners -----------------------------------------------------------------


def set_owners(session: Session, town: Town, section: str, names: list[str]) -> list[SectionOwner]:
    """Replace the section's owners by `names` (in order); an empty list clears them.
    A name that is a registered person of the town is linked to that person."""
    schedule.clear_owners(session, town.id, section)
    owners = []
    seen: set[str] = set()
    for position, raw in enumerate(names):
        name = raw.strip().lstrip("@＠").strip()
        if not name or name in seen:
            continue
        seen.add(name)
        person = schedule.person_named(session, town.id, name)
        owner = SectionOwner(
            town_id=town.id,
            section=section,
            name=name,
            person_id=person.id if person is not None else None,
            position=position,
        )
        session.add(owner)
        owners.append(owner)
    session.flush()
    return owners


def owner_ids(session: Session, town_id: int, sections: list[str], channel: str) -> tuple[str, ...]:
    """The channel ids of the registered owners of `sections`, to notify them for real."""
    return tuple(dict.fromkeys(schedule.owner_channel_ids(session, town_id, sections, channel)))


def owners_by_section(session: Session, town_id: int) -> dict[str, list[str]]:
    """section -> owner names, in the order they were set."""
    result: dict[str, list[str]] = {}
    for section, name in schedule.owner_names(session, town_id):
        result.setdefault(section, []).append(name)
    return result
