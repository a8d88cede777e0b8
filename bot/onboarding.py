"""Registering the rooms and people a channel brings before their messages reach the ledger.

Channels know nothing of the database, so the commands that start them do this first:
the console is a new group owned by the local user (bound in the chat, or up front with
--town); an imported chat export registers its unknown rooms to one town and its unknown
senders as staff, as the replay meets them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import sessionmaker

from actions import replies
from bot.dispatcher import Dispatcher, MessageParser
from bot.settings import Settings
from bot.storage.models import Town
from bot.storage.registry import (
    add_person,
    bind_room,
    find_person,
    find_room,
    get_or_create_town,
    town_admins,
)


def ensure_console_user(
    session_factory: sessionmaker,
    channel: str,
    room: str,
    sender: str,
    town_name: str | None = None,
) -> tuple[str | None, list[str]]:
    """Prepare the console room; returns its town (None while unbound) and what was done.

    Without `town_name` nothing is created: the console is a new group whose owner is the
    local user, who binds it with "绑定 XX镇" like in WeChat. With `town_name` the room is
    bound to that town and the user registered there (as its admin if it has none)."""
    done: list[str] = []
    with session_factory() as session:
        known_room = find_room(session, channel, room)
        if not town_name:
            if known_room is None:
                return None, [replies.text("console.unbound_hint")]
            return session.get(Town, known_room.town_id).name, done
        town = get_or_create_town(session, town_name)
        if known_room is None or known_room.town_id != town.id:
            bind_room(session, channel, room, town)
            done.append(replies.text("console.registered_room", room=room, town=town.name))
        person = find_person(session, channel, sender)
        if person is None or person.town_id != town.id:
            role = "staff" if town_admins(session, town) else "admin"
            add_person(session, channel, sender, town, display_name=sender, role=role)
            done.append(
                replies.text(
                    "console.registered_person",
                    sender=sender,
                    town=town.name,
                    role=replies.text(f"roles.{role}"),
                )
            )
        session.commit()
        return town.name, done


@dataclass
class ConsoleSession:
    """Everything the console channel needs: who is typing where, and the message path."""

    dispatcher: Dispatcher
    room: str
    sender: str
    town: str | None  # None while the console room is not bound
    notes: list[str]  # what was registered for a first-time user, to show once


def console_session(
    settings: Settings,
    session_factory: sessionmaker,
    parser: MessageParser,
    channel: str,
    room: str,
    sender: str,
    town: str | None = None,
) -> ConsoleSession:
    town_name, notes = ensure_console_user(session_factory, channel, room, sender, town)
    dispatcher = Dispatcher(settings, session_factory, parser)
    return ConsoleSession(dispatcher, room, sender, town_name, notes)


@dataclass
class ExportRegistrar:
    """Registers an export's unknown rooms (to one town) and senders (as staff), once each."""

    session_factory: sessionmaker
    town_name: str
    channel: str
    rooms_registered: list[str] = field(default_factory=list)
    people_registered: list[str] = field(default_factory=list)
    _room_towns: dict[str, int] = field(default_factory=dict)
    _people: set[str] = field(default_factory=set)

    def admit(self, room_id: str, sender: str) -> None:
        if room_id in self._room_towns and sender in self._people:
            return
        with self.session_factory() as session:
            room = find_room(session, self.channel, room_id)
            if room is None:
                town = get_or_create_town(session, self.town_name)
                room = bind_room(session, self.channel, room_id, town)
                self.rooms_registered.append(room_id)
            self._room_towns[room_id] = room.town_id
            if sender not in self._people:
                if find_person(session, self.channel, sender) is None:
                    town = session.get(Town, room.town_id)
                    add_person(session, self.channel, sender, town, display_name=sender)
                    self.people_registered.append(sender)
                self._people.add(sender)
            session.commit()
