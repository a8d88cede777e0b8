""" "@法治台账 绑定 双土镇": a group is bound to a town from inside it.

This is a command, not something the NLU has to guess: it runs before the room's
registration is checked (an unbound room is exactly where it is needed). Who may bind:
an admin of that town; or the group's owner (群主), when the town has no admin yet — a new
township sets itself up this way, and the binder becomes its admin. A group already bound
to another town is never taken over from inside it.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from actions import replies
from bot.message import IncomingMessage
from bot.storage.models import Person, Town
from bot.storage.registry import (
    add_person,
    bind_room,
    find_person,
    find_room,
    find_town,
    get_or_create_town,
    town_admins,
    valid_town_name,
)

# 绑定双土镇 / 绑定 双土镇 / 绑定到双土镇 / 本群绑定：双土镇
_BIND = re.compile(r"(?:本群|这个群)?\s*绑定\s*(?:到|为|至)?\s*[:：]?\s*(\S{2,20}?)\s*[。.!！]?")
# A binding command is short; anything longer is not one (and the pattern, with its
# adjacent optional spaces, must never see a long run of whitespace: that is quadratic).
MAX_COMMAND_CHARS = 40


def requested_town(text: str | None) -> str | None:
    """The town named by a binding command, or None when the text is not one."""
    text = (text or "").strip()
    if len(text) > MAX_COMMAND_CHARS or "绑定" not in text:
        return None
    match = _BIND.fullmatch(text)
    return match.group(1) if match else None


def _refusal(
    session: Session, person: Person | None, town: Town | None, admins: list[Person]
) -> str:
    """Why this sender may not bind the group to `town`, in words."""
    if person is not None and person.role == "admin":
        own = session.get(Town, person.town_id)
        return replies.text("bind.other_town", town=own.name if own else "")
    if admins:
        names = replies.join([a.display_name for a in admins[:3]])
        return replies.text("bind.ask_admin", town=town.name if town else "", admins=names)
    return replies.text("bind.not_allowed")


def bind(session: Session, msg: IncomingMessage, town_name: str) -> str:
    """Bind msg's room to `town_name` if its sender may; returns the reply either way."""
    if not valid_town_name(town_name):
        return replies.text("bind.bad_name")
    person = find_person(session, msg.channel, msg.sender)
    town = find_town(session, town_name)
    admins = town_admins(session, town) if town is not None else []
    room = find_room(session, msg.channel, msg.room)
    if room is not None and (town is None or room.town_id != town.id):
        return replies.text("bind.room_taken")
    town_admin = person is not None and person in admins
    owner = msg.room_owner is not None and msg.room_owner == msg.sender
    other_admin = person is not None and person.role == "admin" and not town_admin
    if not town_admin and (admins or not owner or other_admin):
        return _refusal(session, person, town, admins)
    town = get_or_create_town(session, town_name)
    bind_room(session, msg.channel, msg.room, town, topic=msg.room_topic)
    done = replies.text("bind.done", town=town.name)
    if town_admin:
        return done
    add_person(
        session,
        msg.channel,
        msg.sender,
        town,
        display_name=msg.sender_name or (person.display_name if person else None),
        role="admin",
    )
    return done + replies.text("bind.now_admin", town=town.name)
