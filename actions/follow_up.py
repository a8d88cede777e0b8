"""The sender's previous work message sets the topic of a bare follow-up ("又排查了6处").

The parser reads each message alone. Before the dispatcher acts on a parse, it asks this module
whether the message goes on from the same person's last logged message in the same room (or the
same private chat) within `follow_up_window_minutes`; if so, nlu.follow_up reads it in the light
of that message's facts as the ledger holds them (a corrected value, a merged activity name), and
the result is acted on like any parse: logged and confirmed in one line, and open to "撤回" or
"更正为…" as usual. A chain of follow-ups works because each one's facts are in the ledger by the
time the next arrives.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.settings import Settings
from bot.storage.messages import active_facts, recent_logged_messages
from bot.storage.models import Message, Person, Room
from nlu.follow_up import Topic, is_follow_up, read_follow_up
from nlu.result import ParseResult


def as_follow_up(
    session: Session,
    settings: Settings,
    message: Message,
    text: str,
    result: ParseResult,
    person: Person,
    room: Room | None,
    now: datetime,
) -> tuple[ParseResult, Message] | None:
    """The follow-up's reading and the message it goes on from, or None (the parse stands).

    Its confidence is at least the threshold: the topic, not the classifier, says it is work."""
    if not is_follow_up(text):  # most messages: no query
        return None
    window = timedelta(minutes=settings.follow_up_window_minutes)
    found = recent_logged_messages(
        session,
        person_id=person.id,
        room_id=room.id if room is not None else None,
        before=message,
        since=message.sent_at - window,
        limit=1,
    )
    if not found:
        return None
    previous = found[0]
    topic = [
        Topic(fact.section, fact.activity, fact.unit, fact.fact_date, fact.role)
        for fact in active_facts(session, previous.id)
    ]
    read = read_follow_up(text, now, result, topic, settings.follow_up_section_confidence)
    if read is None:
        return None
    confidence = max(read.confidence, settings.confidence_threshold)
    return dataclasses.replace(read, confidence=confidence), previous
