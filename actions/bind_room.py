""" "@法治台账 绑定 双土镇": an admin binds the group they are in to a town, from inside it.

This is an admin command, not something the NLU has to guess: it runs before the room's
registration is checked (an unbound room is exactly where it is needed), and only for a
registered admin who addressed the bot, binding to the admin's own town a room that is
not another town's.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from actions import replies
from bot.storage.models import Town
from bot.storage.registry import (
    bind_room,
    find_person,
    find_room,
    get_or_create_town,
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


def bind(
    session: Session,
    channel: str,
    channel_room_id: str,
    sender: str,
    town_name: str,
    topic: str | None = None,
) -> str:
    """Bind the room if the sender is an admin of that town (and the room is unbound or
    already that town's); returns the reply either way."""
    person = find_person(session, channel, sender)
    if person is None or person.role != "admin":
        return replies.text("bind.not_admin")
    if not valid_town_name(town_name):
        return replies.text("bind.bad_name")
    own = session.get(Town, person.town_id)
    if own is None or own.name != town_name:
        return replies.text("bind.other_town", town=own.name if own else "")
    room = find_room(session, channel, channel_room_id)
    if room is not None and room.town_id != own.id:
        return replies.text("bind.room_taken")
    town = get_or_create_town(session, town_name)
    bind_room(session, channel, channel_room_id, town, topic=topic)
    return replies.text("bind.done", town=town.name)
