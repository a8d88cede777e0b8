"""Running the real WechatyChannel in a test: fast timings, bounded waits, a registered town."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select

from bot.channels.wechaty_channel import ChannelTimings, WechatyChannel
from bot.message import IncomingMessage, Reply
from bot.settings import Settings
from bot.storage.models import Fact, Message
from bot.storage.registry import add_person, bind_room, get_or_create_town

CHANNEL = "wechaty"

# Everything an order of magnitude faster than production, so no test waits long.
FAST = ChannelTimings(
    ding_after=0.3,
    quiet_after=1.0,
    reconnect_min=0.05,
    reconnect_max=0.3,
    fetch_attempts=4,
    fetch_delay=0.05,
    send_attempts=6,
    send_base_delay=0.05,
    send_max_delay=0.3,
    spool_retry=0.2,
    stop_timeout=5.0,
)


def register_town(
    session_factory: Any,
    *,
    town: str = "双土镇",
    rooms: dict[str, str] | None = None,
    people: dict[str, str] | None = None,
    roles: dict[str, str] | None = None,
) -> None:
    """Bind WeChat rooms (id -> topic) to a town and register its people (id -> name), as
    staff unless `roles` says otherwise (id -> role)."""
    with session_factory() as session:
        town_row = get_or_create_town(session, town)
        for room_id, topic in (rooms or {}).items():
            bind_room(session, CHANNEL, room_id, town_row, topic=topic)
        for person_id, name in (people or {}).items():
            role = (roles or {}).get(person_id, "staff")
            add_person(session, CHANNEL, person_id, town_row, display_name=name, role=role)
        session.commit()


def populate(
    puppet: Any, contacts: dict[str, str], rooms: dict[str, tuple[str, list[str], str]]
) -> Any:
    """Add contacts (id -> name) and rooms (id -> (topic, member ids, owner id)) to a fake
    puppet or puppet service; returns it."""
    for contact_id, name in contacts.items():
        puppet.add_contact(contact_id, name)
    for room_id, (topic, members, owner) in rooms.items():
        puppet.add_room(room_id, topic, members, owner_id=owner)
    return puppet


def facts_of(session_factory: Any, message_id: str | None = None) -> list[tuple]:
    """(section, value, unit) of the active facts, optionally of one channel message."""
    with session_factory() as session:
        query = select(Fact.section, Fact.value, Fact.unit, Fact.status).join(
            Message, Fact.message_id == Message.id
        )
        if message_id is not None:
            query = query.where(Message.channel_message_id == message_id)
        return [
            (s, float(v), u) for s, v, u, status in session.execute(query) if status == "active"
        ]


def stored_message(session_factory: Any, message_id: str) -> Message | None:
    with session_factory() as session:
        return session.execute(
            select(Message).where(
                Message.channel == CHANNEL, Message.channel_message_id == message_id
            )
        ).scalar_one_or_none()


class CountingHandler:
    """Counts what reaches the real handler (the dispatcher) without changing it."""

    def __init__(self, handle: Callable[[IncomingMessage], list[Reply]]) -> None:
        self._handle = handle
        self.seen: list[IncomingMessage] = []

    def __call__(self, msg: IncomingMessage) -> list[Reply]:
        self.seen.append(msg)
        return self._handle(msg)


async def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll `condition` (bounded); True as soon as it holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


@asynccontextmanager
async def running_channel(
    handler: Callable[[IncomingMessage], list[Reply]],
    *,
    settings: Settings,
    timings: ChannelTimings = FAST,
    connect_timeout: float = 10.0,
    **kwargs: Any,
) -> AsyncIterator[WechatyChannel]:
    """The channel running in this loop; stopped (and its run() awaited) on exit."""
    channel = WechatyChannel(handler, settings=settings, timings=timings, **kwargs)
    task = asyncio.get_running_loop().create_task(channel.run())
    try:
        if not await channel.wait_connected(connect_timeout):
            raise AssertionError("the channel did not connect")
        yield channel
    finally:
        await channel.stop()
        await asyncio.wait_for(task, timings.stop_timeout + 5)
