"""Messages whose facts a person decided: confirmed by the sender or assigned in review."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.storage.models import Fact, FactStatus, Message, MessageStatus

# The marks actions/confirm.py and `taizhang review assign` leave on a message's note.
CONFIRMED_MARK = "[confirmed by sender]"
ASSIGNED_MARK = "[assigned in review]"
DECIDED_MARKS = (CONFIRMED_MARK, ASSIGNED_MARK)


def decided_messages(session: Session) -> Iterator[tuple[Message, list[Fact]]]:
    """Each decided message with its active facts (a later correction's value included)."""
    messages = session.scalars(
        select(Message)
        .where(
            Message.status == MessageStatus.LOGGED,
            or_(*(Message.note.contains(mark) for mark in DECIDED_MARKS)),
        )
        .order_by(Message.id)
    )
    for message in messages:
        facts = session.scalars(
            select(Fact)
            .where(Fact.message_id == message.id, Fact.status == FactStatus.ACTIVE)
            .order_by(Fact.id)
        ).all()
        if facts:
            yield message, list(facts)
