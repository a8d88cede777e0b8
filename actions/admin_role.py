""" "@法治台账 设为管理员 @张敏": an admin of the group's town makes someone else an admin.

A command like binding: exact words, run before the NLU. The person is whoever is
@-named (registered to the town on the spot if they have not written yet), or, where a
channel has no @-mentions (the console), the registered person of the town named after
the command. The giver stays an admin: handing on adds, it never locks anyone out.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from actions import replies
from bot.message import IncomingMessage
from bot.storage.models import Person, Room, Town
from bot.storage.registry import add_person, find_people, find_person, town_admins

_COMMAND = re.compile(
    r"^\s*(?:把\s*)?(?:设为|设置为|设成|任命为?|添加|增加|加为?)\s*管理员\s*(.*)$"
)
MAX_COMMAND_CHARS = 60


def requested_admin(text: str | None) -> str | None:
    """What follows the command (the typed name, '@…' or ''), or None when it is not one."""
    text = (text or "").strip()
    if len(text) > MAX_COMMAND_CHARS:
        return None
    match = _COMMAND.match(text)
    return match.group(1).strip().lstrip("@").strip() if match else None


def _target(
    session: Session, msg: IncomingMessage, town: Town, typed: str
) -> tuple[Person | None, str | None]:
    """The person meant, or the reply saying why there is none."""
    if msg.mentioned:
        contact_id, name = msg.mentioned[0]
        person = find_person(session, msg.channel, contact_id)
        if person is None:
            person = add_person(session, msg.channel, contact_id, town, display_name=name or None)
        if person.town_id != town.id:
            return None, replies.text(
                "admin_role.other_town", name=person.display_name, town=town.name
            )
        return person, None
    if not typed:
        return None, replies.text("admin_role.no_target")
    found = [p for p in find_people(session, typed, town) if p.channel == msg.channel]
    if not found:
        return None, replies.text("admin_role.not_found", town=town.name, name=typed)
    if len(found) > 1:
        return None, replies.text(
            "admin_role.ambiguous", town=town.name, name=typed, count=len(found)
        )
    return found[0], None


def make_admin(
    session: Session, msg: IncomingMessage, sender: Person, room: Room | None, typed: str
) -> str:
    """Carry out the command for a registered sender; returns the reply."""
    if room is None:
        return replies.text("admin_role.private")
    town = session.get(Town, room.town_id)
    if sender.role != "admin":
        names = replies.join([a.display_name for a in town_admins(session, town)[:3]])
        return replies.text("admin_role.not_admin", admins=names)
    person, refusal = _target(session, msg, town, typed)
    if person is None:
        return refusal or replies.text("admin_role.no_target")
    if person.role == "admin":
        return replies.text("admin_role.already", name=person.display_name, town=town.name)
    person.role = "admin"
    session.flush()
    return replies.text("admin_role.done", name=person.display_name, town=town.name)
