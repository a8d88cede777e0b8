"""The question the bot asked before logging a message it was unsure of, still open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Message, MessageStatus


def open_question(
    session: Session, person_id: int, room_id: int | None, since: datetime
) -> Message | None:
    """The sender's latest message in this room (or in private) that the bot asked about
    after `since` and nobody has answered yet."""
    room = Message.room_id.is_(None) if room_id is None else Message.room_id == room_id
    return session.scalars(
        select(Message)
        .where(
            Message.person_id == person_id,
            room,
            Message.status == MessageStatus.ASKED,
            Message.sent_at >= since,
        )
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(1)
    ).first()
