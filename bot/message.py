"""The plain message objects that channels and the dispatcher exchange.

Channels build an IncomingMessage and send back Replies; they know nothing of NLU or storage.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class IncomingMessage:
    """One group (or private) message as a channel saw it."""

    channel: str  # "wechaty", "console", "replay"
    message_id: str  # the channel's own id; (channel, message_id) is unique
    room: str | None  # the channel's room id; None for a private message
    sender: str  # the channel's sender id
    time: datetime  # timezone-aware; "now" for date resolution
    text: str
    mentions_bot: bool = False
    sender_name: str | None = None
    room_topic: str | None = None
    room_owner: str | None = None  # the room owner's sender id, when the channel knows it
    # Other people @-named in the message, as (sender id, name): "设为管理员 @张敏".
    mentioned: tuple[tuple[str, str], ...] = ()
    # Someone is there to answer a question now; an imported history (replay) is not live, so
    # the bot logs what it is unsure of (marked for review) instead of asking nobody.
    live: bool = True


@dataclass(frozen=True)
class Picture:
    """An image to show in the conversation (a chart): a file name and the PNG bytes.

    Bytes, not a path: the picture is made for this one reply, and a channel sends it
    from memory (Wechaty), saves it (console) or records it (replay)."""

    name: str  # e.g. 白岩镇2024年台账进度.png
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Reply:
    """What the bot says back; a channel decides how to render the mention and the file."""

    text: str
    mention: str | None = None  # sender id to @-mention (the channel puts "@name" in front)
    file: Path | None = None  # e.g. the .docx draft to push as a file
    picture: Picture | None = None  # an image shown in the chat, after the text
    # People already @-named inside the text (e.g. section owners in a reminder), by their
    # channel ids: the channel notifies them without adding their names again.
    notify: tuple[str, ...] = ()
    # Slow work this reply announced ("正在生成…"): more replies when it is done (a channel
    # sends them then; bot/background.py runs the work).
    follow_up: Future[list[Reply]] | None = field(default=None, compare=False)
