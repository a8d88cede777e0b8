"""A terminal chat with the bot: the embedded default until WeChat is wired.

Every line typed goes through the same dispatcher as a WeChat message (mentioning the bot).
What a first-time user needs registered is done before, by bot.onboarding.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol, TextIO
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.markup import escape

from actions import replies
from bot.channels.mentions import bot_mention_pattern, strip_bot_mention
from bot.dispatcher import Dispatcher
from bot.message import IncomingMessage, Picture, Reply
from bot.paths import safe_file_stem

log = logging.getLogger(__name__)

CHANNEL = "console"
DEFAULT_ROOM = "console"
QUIT_WORDS = {"/quit", "/exit", "/q"}
SWITCH_WORD = "/as"


def local_user() -> str:
    try:
        return getpass.getuser() or "me"
    except Exception:  # no login name in some containers
        return "me"


def pictures_dir(dispatcher: Dispatcher) -> Path:
    return Path(dispatcher.settings.data_dir) / "pictures"


def chat(
    dispatcher: Dispatcher,
    room: str,
    sender: str,
    *,
    console: Console,
    source: TextIO | None = None,
    stopped: Callable[[], bool] = lambda: False,
) -> int:
    """Read lines until EOF, /quit or `stopped()`; print the bot's replies. Returns how many
    were sent.

    The console is one group owned by `sender`; "/as 张敏" types as another member (to try
    a group of several people), "/as" alone switches back."""
    zone = ZoneInfo(dispatcher.settings.timezone)
    # Everything typed here is addressed to the bot; "@法治台账 绑定 柳林镇" reads as in WeChat.
    mention = bot_mention_pattern([dispatcher.settings.bot_name])
    owner = sender
    sent = 0
    while not stopped():
        try:
            line = source.readline() if source is not None else console.input("[bold]> [/]")
        except (EOFError, KeyboardInterrupt):
            break
        if source is not None and line == "":
            break
        line = line.strip()
        if line in QUIT_WORDS:
            break
        if not line:
            continue
        if line == SWITCH_WORD or line.startswith(SWITCH_WORD + " "):
            sender = line[len(SWITCH_WORD) :].strip() or owner
            console.print(f"[dim]{escape(replies.text('console.switched', sender=sender))}[/]")
            continue
        message = IncomingMessage(
            channel=CHANNEL,
            message_id=uuid.uuid4().hex,
            room=room,
            sender=sender,
            time=datetime.now(zone),
            text=strip_bot_mention(line, mention)[0],
            mentions_bot=True,
            sender_name=sender,
            room_owner=owner,
        )
        try:
            answers = dispatcher.handle(message)
        except Exception:  # e.g. the database is down: say so and keep the console open
            log.exception("console message failed", extra={"message_id": message.message_id})
            console.print(f"[red]{escape(replies.text('not_understood.error'))}[/]")
            continue
        sent += 1
        if not answers:
            console.print(f"[dim]{escape(replies.text('console.no_reply'))}[/]")
        _show(console, dispatcher.settings.bot_name, answers, pictures_dir(dispatcher))
    console.print(replies.text("console.bye"))
    return sent


def save_picture(picture: Picture, folder: Path) -> Path:
    """A terminal shows no image: the picture goes to a file (a unique name per picture)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:6]}-{safe_file_stem(picture.name, 'picture')}"
    path.write_bytes(picture.data)
    return path


def _show(console: Console, bot_name: str, answers: list[Reply], pictures: Path) -> None:
    """Print replies (a picture as the file it was saved to, under `pictures`); what
    announced slow work (a report) is followed by its result."""
    name = escape(bot_name)
    for answer in answers:  # what members wrote comes back in replies: never markup
        if answer.text:
            console.print(f"[green]{name}[/]：{escape(answer.text)}")
        if answer.picture is not None:
            saved = save_picture(answer.picture, pictures)
            shown = replies.text("console.picture", path=saved)
            console.print(f"[green]{name}[/]：{escape(shown)}")
        if answer.file is not None:
            console.print(f"[green]{name}[/]：📎 {escape(str(answer.file))}")
        if answer.follow_up is not None:  # one person at a terminal: wait for it here
            try:
                later = answer.follow_up.result()
            except Exception:
                log.exception("background work failed")
                later = [Reply(text=replies.text("not_understood.error"))]
            _show(console, bot_name, later, pictures)


class SetUp(Protocol):
    """What onboarding hands over: who is typing, where, and what was registered."""

    dispatcher: Dispatcher
    room: str
    sender: str
    town: str | None  # None while the console room is not bound
    notes: list[str]


class ConsoleChannel:
    """The terminal as a channel (bot.channels.protocol.Channel): one person, one room.

    listen() reads lines until EOF, /quit or stop(); everything typed mentions the bot."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        room: str,
        sender: str,
        *,
        town: str | None,
        notes: list[str] | None = None,
        console: Console | None = None,
        source: TextIO | None = None,
    ) -> None:
        self.dispatcher, self.room, self.sender, self.town = dispatcher, room, sender, town
        self.notes = notes or []
        self.console = console or Console()
        self.source = source
        self.sent = 0  # lines handed to the dispatcher
        self._stopped = False

    @classmethod
    def for_session(
        cls, chat: SetUp, *, console: Console | None = None, source: TextIO | None = None
    ) -> ConsoleChannel:
        """The channel for what onboarding set up (bot.onboarding.console_session)."""
        return cls(
            chat.dispatcher,
            chat.room,
            chat.sender,
            town=chat.town,
            notes=chat.notes,
            console=console,
            source=source,
        )

    async def connect(self) -> None:
        """Show what was set up for a first-time user, and a welcome."""
        for line in self.notes:
            self.console.print(f"[yellow]{escape(line)}[/]")
        town = self.town or replies.text("console.unbound_town")
        welcome = replies.text("console.welcome", town=town, room=self.room, sender=self.sender)
        self.console.print(welcome, markup=False)

    async def listen(self) -> None:
        """Blocking reads: a terminal has nothing else to do meanwhile."""
        self.sent = chat(
            self.dispatcher,
            self.room,
            self.sender,
            console=self.console,
            source=self.source,
            stopped=lambda: self._stopped,
        )

    def send(self, conversation_id: str, reply: Reply) -> None:
        _show(
            self.console,
            self.dispatcher.settings.bot_name,
            [reply],
            pictures_dir(self.dispatcher),
        )

    async def stop(self) -> None:
        self._stopped = True

    def run(self) -> int:
        """Connect and listen until EOF or /quit; returns how many lines were handled."""

        async def serve() -> None:
            await self.connect()
            await self.listen()

        asyncio.run(serve())
        return self.sent
