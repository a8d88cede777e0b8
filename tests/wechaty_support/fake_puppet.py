"""A `wechaty.fake_puppet.FakePuppet` that records what the bot sends.

The upstream FakePuppet returns 'static-id' from every send and records nothing, and its
start() emits a login for an id that is not its own. This subclass keeps the real class
(payload lookups, the emitter the Wechaty classes listen on) and adds: recorded sends,
a heartbeat then a login for its own id (the official server's order), timestamps in
milliseconds, a start() that ends on stop(), and helpers to deliver messages.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import time
from dataclasses import dataclass
from typing import Any

from wechaty.fake_puppet import FakePuppet
from wechaty_puppet import FileBox, MessageType
from wechaty_puppet.schemas.event import (
    EventHeartbeatPayload,
    EventLoginPayload,
    EventMessagePayload,
)
from wechaty_puppet.schemas.puppet import PuppetOptions
from wechaty_puppet.schemas.types import ContactPayload, MessagePayload, RoomPayload

AT = "\u2005"


@dataclass
class Sent:
    conversation_id: str
    text: str | None = None
    mention_ids: tuple[str, ...] = ()
    file_name: str | None = None
    file_size: int = 0
    media_type: str | None = None  # what the FileBox says it is (image/png for a picture)
    data: bytes = b""  # the file's bytes, decoded from the FileBox


class RecordingFakePuppet(FakePuppet):
    """FakePuppet plus a record of every message_send_text / message_send_file."""

    def __init__(self, *, bot_id: str = "wxid_bot", bot_name: str = "法治台账") -> None:
        super().__init__(PuppetOptions(), name="recording-fake-puppet")
        self._contact_payloads.pop(self.login_user_id, None)  # the random self contact
        self.login_user_id = bot_id
        self.bot_name = bot_name
        self.add_fake_contact(ContactPayload(id=bot_id, name=bot_name))
        self.sent: list[Sent] = []
        self._ids = itertools.count(1)
        self._stopped = asyncio.Event()

    # ---- the puppet ----------------------------------------------------------------

    async def start(self) -> None:
        self._stopped.clear()
        # As the official server: a heartbeat says the stream is up, then the login.
        self.emitter.emit("heartbeat", EventHeartbeatPayload(data="stream connected"))
        self.emitter.emit("login", EventLoginPayload(contact_id=self.login_user_id))
        await self._stopped.wait()

    async def stop(self) -> None:
        self._stopped.set()

    async def message_send_text(
        self, conversation_id: str, message: str, mention_ids: list[str] | None = None
    ) -> str:
        self.sent.append(Sent(conversation_id, message, tuple(mention_ids or ())))
        return self._record_own(conversation_id, message)

    async def message_send_file(self, conversation_id: str, file: FileBox) -> str:
        data = base64.b64decode(getattr(file, "base64", b"") or b"")
        self.sent.append(
            Sent(
                conversation_id,
                file_name=file.name,
                file_size=len(data),
                media_type=file.mediaType,
                data=data,
            )
        )
        return self._record_own(conversation_id, file.name)

    def _record_own(self, conversation_id: str, text: str) -> str:
        """Sent messages get a payload, as on WeChat (upstream Room.say() fetches it)."""
        message_id = f"sent-{next(self._ids)}"
        in_room = self.get_fake_room(conversation_id) is not None
        self.add_fake_message(
            MessagePayload(
                id=message_id,
                text=text,
                type=MessageType.MESSAGE_TYPE_TEXT,
                from_id=self.login_user_id,
                room_id=conversation_id if in_room else "",
                to_id="" if in_room else conversation_id,
                timestamp=int(time.time() * 1000),  # milliseconds, as the real server
            )
        )
        return message_id

    # ---- fixtures ------------------------------------------------------------------

    def add_contact(self, contact_id: str, name: str) -> None:
        self.add_fake_contact(ContactPayload(id=contact_id, name=name, friend=True))

    def add_room(self, room_id: str, topic: str, member_ids: list[str], owner_id: str = "") -> None:
        self.add_fake_room(
            RoomPayload(
                id=room_id,
                topic=topic,
                member_ids=[self.login_user_id, *member_ids],
                owner_id=owner_id,
            )
        )

    def deliver(
        self,
        room_id: str | None,
        sender_id: str,
        text: str,
        *,
        mention_bot: bool = False,
        message_id: str | None = None,
        message_type: Any = MessageType.MESSAGE_TYPE_TEXT,
        mention: tuple[str, ...] = (),
        timestamp: float | None = None,
    ) -> str:
        """Store a message and emit its event, the way the puppet service would; `mention`
        @-names other contacts after the text, `timestamp` (seconds) dates it."""
        message_id = message_id or f"msg-{next(self._ids)}"
        for contact_id in mention:
            text = f"{text} @{self.get_fake_contact(contact_id).name}{AT}"
        if mention_bot:
            text = f"@{self.bot_name}{AT}{text}"
        self.add_fake_message(
            MessagePayload(
                id=message_id,
                text=text,
                type=message_type,
                from_id=sender_id,
                room_id=room_id or "",
                to_id="" if room_id else self.login_user_id,
                mention_ids=([self.login_user_id] if mention_bot else []) + list(mention),
                # milliseconds, as the real server
                timestamp=int((timestamp if timestamp is not None else time.time()) * 1000),
            )
        )
        self.redeliver(message_id)
        return message_id

    def redeliver(self, message_id: str) -> None:
        self.emitter.emit("message", EventMessagePayload(message_id=message_id))

    def texts_to(self, conversation_id: str) -> list[str]:
        return [s.text for s in self.sent if s.conversation_id == conversation_id and s.text]

    def files_to(self, conversation_id: str) -> list[Sent]:
        return [s for s in self.sent if s.conversation_id == conversation_id and s.file_name]
