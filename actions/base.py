"""What every action receives and returns; actions never see a channel or the parser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bot.message import Picture
from bot.settings import Settings
from bot.storage.models import Message, Person, Room, Town
from nlu.result import ParseResult


@dataclass
class ActionContext:
    """One understood message from a registered person, inside the handling transaction."""

    session: Session
    settings: Settings
    message: Message  # the stored row (flushed; has an id)
    result: ParseResult
    person: Person
    town: Town  # the town the message counts for (the room's, or the person's in private)
    room: Room | None  # None for a private message
    now: datetime  # the message time, in the configured time zone

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass
class ActionOutcome:
    """The message's new status, what to say (plain texts), files and pictures to send,
    and counts.

    `later` is slow work (a report render) the dispatcher runs off the message path, after
    the message is committed, each in its own transaction; what it returns is said then."""

    status: str
    replies: list[str] = field(default_factory=list)
    facts_logged: int = 0
    files: list[Path] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)  # shown in the chat (a chart)
    later: list[Callable[[Session], ActionOutcome]] = field(default_factory=list)
