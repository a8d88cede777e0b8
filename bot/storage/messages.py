"""Finding stored messages by their identity in the ledger: (channel, room, channel id).

Chat exports number their messages per room, so the room is part of the key; '' and NULL
both mean a private message."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from bot.storage.models import Fact, FactStatus, Message, MessageStatus

Key = tuple[str, str, str]  # (channel, room or '', channel message id)


def _same_room(room: str | None):
    return Message.channel_room_id.is_(None) if not room else Message.channel_room_id == room


def find_message(
    session: Session, channel: str, room: str | None, message_id: str
) -> Message | None:
    return session.execute(
        select(Message).where(
            Message.channel == channel,
            _same_room(room),
            Message.channel_message_id == message_id,
        )
    ).scalar_one_or_none()


def stored_messages(session: Session, keys: Iterable[Key]) -> dict[Key, Message]:
    """Those of `keys` already in the ledger, in one query per channel and room."""
    found: dict[Key, Message] = {}
    by_room: dict[tuple[str, str], set[str]] = {}
    for channel, room, message_id in keys:
        by_room.setdefault((channel, room), set()).add(message_id)
    for (channel, room), ids in by_room.items():
        rows = session.execute(
            select(Message).where(
                Message.channel == channel,
                _same_room(room),
                Message.channel_message_id.in_(sorted(ids)),
            )
        ).scalars()
        found.update({(channel, room, row.channel_message_id): row for row in rows})
    return found


def lock_message(session: Session, row_id: int) -> Message:
    """The stored message, locked for this transaction (two deliveries handle it once)."""
    return session.execute(
        select(Message).where(Message.id == row_id).with_for_update()
    ).scalar_one()


def _has_active_facts(*conditions: Any) -> Any:
    return exists().where(
        Fact.message_id == Message.id, Fact.status == FactStatus.ACTIVE, *conditions
    )


def _own_logged_messages(
    session: Session,
    person_id: int,
    room_id: int | None,
    before: Message,
    limit: int,
    *conditions: Any,
) -> list[Message]:
    """The person's logged messages in the room (None: private) sent up to `before`
    (excluded) that meet `conditions`, newest first."""
    room = Message.room_id == room_id if room_id is not None else Message.room_id.is_(None)
    query = (
        select(Message)
        .where(
            Message.person_id == person_id,
            room,
            Message.id != before.id,
            Message.status == MessageStatus.LOGGED,
            Message.sent_at <= before.sent_at,
            *conditions,
        )
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def recent_logged_messages(
    session: Session,
    *,
    person_id: int,
    room_id: int | None,
    before: Message,
    since: datetime,
    limit: int,
) -> list[Message]:
    """The person's newest messages in the room (None: private), sent from `since` up to
    `before` (excluded), that still have active facts, newest first."""
    return _own_logged_messages(
        session, person_id, room_id, before, limit, Message.sent_at >= since, _has_active_facts()
    )


def active_facts(session: Session, message_id: int) -> list[Fact]:
    """The message's facts that count, in the order they were stored."""
    query = (
        select(Fact)
        .where(Fact.message_id == message_id, Fact.status == FactStatus.ACTIVE)
        .order_by(Fact.id)
    )
    return list(session.execute(query).scalars())


def logged_messages_of_day(
    session: Session,
    *,
    person_id: int,
    room_id: int | None,
    before: Message,
    day: date,
    day_start: datetime,
    day_end: datetime,
    limit: int,
) -> list[Message]:
    """The person's messages in the room (None: private) before `before` that still have
    active facts and were sent on `day` (from `day_start` to `day_end`, excluded) or hold an
    active fact dated `day`, newest first: the records a correction naming that day means."""
    sent_that_day = and_(
        Message.sent_at >= day_start, Message.sent_at < day_end, _has_active_facts()
    )
    dated_that_day = _has_active_facts(Fact.fact_date == day)
    return _own_logged_messages(
        session, person_id, room_id, before, limit, or_(dated_that_day, sent_that_day)
    )
