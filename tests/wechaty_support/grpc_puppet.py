"""A small Wechaty puppet service on 127.0.0.1 for tests and the benchmark.

The real `wechaty-puppet-service` client (PuppetService) connects to it over a real TCP
connection with an explicit endpoint. It speaks the wire protocol with the request and
response classes of `wechaty_grpc.wechaty.puppet` and a plain grpclib server (wechaty_grpc
only ships the client stub). It can be stopped and restarted mid-stream, can go silent
(stream open, nothing delivered: the upstream fault the watchdog exists for), and records
every `MessageSendText` / `MessageSendFile` with the time it arrived.

State (contacts, rooms, messages, what was sent) lives in this object and survives a
restart, like a real service's memory of the WeChat account.

Where it matters it behaves like the official server (wechaty-puppet-service 1.19, see
tests/test_wechaty_official.py, which runs that one): every stream opens with a HEARTBEAT
before the LOGIN, timestamps are in milliseconds, sends return no message id, and an
event said while no client stream is listening (the service down, restarting, or its
stream silent) is lost, not queued. `restart(replay=n)` and `redeliver` model an
at-least-once provider explicitly.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from grpclib.const import Cardinality, Handler
from grpclib.server import Server
from wechaty_grpc.wechaty import puppet as pb

# ts-wechaty-puppet's MessageType.Text; PuppetService maps it to the grpc MESSAGE_TYPE_TEXT.
WIRE_TYPE_TEXT = 7
AT = "\u2005"


class _TrackingServer(Server):
    """A grpclib Server that remembers its connections, so a crash can drop them."""

    def __init__(self, handlers: list[Any]) -> None:
        super().__init__(handlers)
        self.transports: list[Any] = []

    def _protocol_factory(self) -> Any:
        protocol = super()._protocol_factory()
        made = protocol.connection_made

        def connection_made(transport: Any) -> None:
            self.transports.append(transport)
            made(transport)

        protocol.connection_made = connection_made  # type: ignore[method-assign]
        return protocol


@dataclass
class SentText:
    conversation_id: str
    text: str
    mention_ids: list[str]
    at: float  # time.monotonic() when the request arrived


@dataclass
class SentFile:
    conversation_id: str
    name: str
    size: int
    at: float


@dataclass
class _Stream:
    queue: asyncio.Queue[pb.EventResponse] = field(default_factory=asyncio.Queue)
    silent: bool = False


class LoopbackPuppetService:
    """In-process puppet service; `await start()`, deliver messages, `await stop()`."""

    def __init__(self, *, bot_id: str = "wxid_bot", bot_name: str = "法治台账") -> None:
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.contacts: dict[str, str] = {bot_id: bot_name}
        self.rooms: dict[str, tuple[str, list[str]]] = {}
        self.messages: dict[str, pb.MessagePayloadResponse] = {}
        self.sent_texts: list[SentText] = []
        self.sent_files: list[SentFile] = []
        self.event_times: dict[str, float] = {}  # message id -> when its event was queued
        self.echo_sends = False  # also emit our sends back as message events, like WeChat
        self.port: int | None = None
        self.streams_opened = 0
        self._server: _TrackingServer | None = None
        self._stream: _Stream | None = None
        self._replay: deque[pb.EventResponse] = deque()  # restart(replay=n) only
        self.lost: list[pb.EventResponse] = []  # events no client stream was listening for
        self._recent_delivered: deque[pb.EventResponse] = deque(maxlen=50)
        self._ids = itertools.count(1)
        self._stream_ready = asyncio.Event()

    # ---- fixtures ------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        assert self.port is not None, "start() first"
        return f"127.0.0.1:{self.port}"

    def add_contact(self, contact_id: str, name: str) -> None:
        self.contacts[contact_id] = name

    def add_room(self, room_id: str, topic: str, member_ids: list[str]) -> None:
        self.rooms[room_id] = (topic, [self.bot_id, *member_ids])

    def deliver(
        self,
        room_id: str | None,
        sender_id: str,
        text: str,
        *,
        mention_bot: bool = False,
        message_id: str | None = None,
        timestamp: float | None = None,
    ) -> str:
        """Store a text message and stream its event; "@法治台账\u2005" is prefixed on mention."""
        message_id = message_id or f"msg-{next(self._ids)}"
        if mention_bot:
            text = f"@{self.bot_name}{AT}{text}"
        self.messages[message_id] = pb.MessagePayloadResponse(
            id=message_id,
            text=text,
            timestamp=int((timestamp if timestamp is not None else time.time()) * 1000),
            type=WIRE_TYPE_TEXT,
            from_id=sender_id,
            room_id=room_id or "",
            to_id="" if room_id else self.bot_id,
            mention_ids=[self.bot_id] if mention_bot else [],
        )
        self.event_times.setdefault(message_id, time.monotonic())
        self._emit(pb.EventType.EVENT_TYPE_MESSAGE, {"messageId": message_id})
        return message_id

    def redeliver(self, message_id: str) -> None:
        """Send the same message event again (an at-least-once service does this)."""
        self._emit(pb.EventType.EVENT_TYPE_MESSAGE, {"messageId": message_id})

    def go_silent(self) -> None:
        """Keep the current stream open but deliver nothing on it (the upstream fault)."""
        if self._stream is not None:
            self._stream.silent = True
            while not self._stream.queue.empty():
                self.lost.append(self._stream.queue.get_nowait())

    def delivered(self, message_id: str) -> bool:
        """Whether the message's event was written to a client stream."""
        wanted = json.dumps({"messageId": message_id}, ensure_ascii=False)
        return any(e.payload == wanted for e in self._recent_delivered)

    def texts_to(self, conversation_id: str) -> list[str]:
        return [s.text for s in self.sent_texts if s.conversation_id == conversation_id]

    async def wait_for_sends(self, count: int, timeout: float) -> bool:
        """Wait (bounded) until at least `count` texts+files were recorded."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.sent_texts) + len(self.sent_files) >= count:
                return True
            await asyncio.sleep(0.01)
        return False

    async def wait_for_stream(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._stream_ready.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    # ---- lifecycle -----------------------------------------------------------------

    async def start(self, port: int | None = None) -> None:
        """Listen on 127.0.0.1 (a free port the first time, the same port on restart)."""
        self._server = _TrackingServer([self])
        await self._server.start("127.0.0.1", port if port is not None else (self.port or 0))
        sockets = self._server._server.sockets  # noqa: SLF001 - grpclib keeps the asyncio server
        self.port = sockets[0].getsockname()[1]

    async def stop(self, *, crash: bool = False) -> None:
        """Stop listening; events not yet written to the client are lost, as with the
        official server.

        A graceful stop leaves the client's connection open and its event stream silent
        (what a restarted puppet service can look like); `crash=True` drops every
        connection as a dying process would, so the client's stream fails at once.
        """
        if self._stream is not None:
            while not self._stream.queue.empty():
                self.lost.append(self._stream.queue.get_nowait())
            self._stream = None
            self._stream_ready.clear()
        if self._server is not None:
            if crash:
                for transport in self._server.transports:
                    transport.abort()
            self._server.close()
            await asyncio.wait_for(self._server.wait_closed(), 5)
            self._server = None

    async def restart(self, *, down_for: float = 0.0, replay: int = 0, crash: bool = False) -> None:
        """Stop, wait, start on the same port; `replay` re-sends that many recent events to
        the next stream (an at-least-once provider; the official server does not)."""
        await self.stop(crash=crash)
        if down_for:
            await asyncio.sleep(down_for)
        self._replay.extend(list(self._recent_delivered)[-replay:] if replay else [])
        await self.start(self.port)

    # ---- the wire ------------------------------------------------------------------

    def emit_raw(self, kind: pb.EventType, payload: str) -> None:
        """Send any event payload text as it is (what a newer or odder server sends)."""
        if self._stream is not None:
            self._stream.queue.put_nowait(pb.EventResponse(type=kind, payload=payload))

    def _emit(self, kind: pb.EventType, payload: dict[str, Any]) -> None:
        event = pb.EventResponse(type=kind, payload=json.dumps(payload, ensure_ascii=False))
        if self._stream is not None and not self._stream.silent:
            self._stream.queue.put_nowait(event)
        else:  # nobody listening: lost, like the official server
            self.lost.append(event)

    def __mapping__(self) -> dict[str, Handler]:
        unary = Cardinality.UNARY_UNARY
        return {
            "/wechaty.Puppet/Start": Handler(self._start, unary, pb.StartRequest, pb.StartResponse),
            "/wechaty.Puppet/Stop": Handler(self._stop, unary, pb.StopRequest, pb.StopResponse),
            "/wechaty.Puppet/Ding": Handler(self._ding, unary, pb.DingRequest, pb.DingResponse),
            "/wechaty.Puppet/Event": Handler(
                self._event, Cardinality.UNARY_STREAM, pb.EventRequest, pb.EventResponse
            ),
            "/wechaty.Puppet/MessagePayload": Handler(
                self._message_payload, unary, pb.MessagePayloadRequest, pb.MessagePayloadResponse
            ),
            "/wechaty.Puppet/ContactPayload": Handler(
                self._contact_payload, unary, pb.ContactPayloadRequest, pb.ContactPayloadResponse
            ),
            "/wechaty.Puppet/RoomPayload": Handler(
                self._room_payload, unary, pb.RoomPayloadRequest, pb.RoomPayloadResponse
            ),
            "/wechaty.Puppet/RoomMemberList": Handler(
                self._room_member_list, unary, pb.RoomMemberListRequest, pb.RoomMemberListResponse
            ),
            "/wechaty.Puppet/MessageSendText": Handler(
                self._send_text, unary, pb.MessageSendTextRequest, pb.MessageSendTextResponse
            ),
            "/wechaty.Puppet/MessageSendFile": Handler(
                self._send_file, unary, pb.MessageSendFileRequest, pb.MessageSendFileResponse
            ),
        }

    async def _start(self, stream: Any) -> None:
        await stream.recv_message()
        await stream.send_message(pb.StartResponse())

    async def _stop(self, stream: Any) -> None:
        await stream.recv_message()
        await stream.send_message(pb.StopResponse())

    async def _ding(self, stream: Any) -> None:
        request = await stream.recv_message()
        await stream.send_message(pb.DingResponse())
        if self._stream is not None and not self._stream.silent:
            self._stream.queue.put_nowait(
                pb.EventResponse(
                    type=pb.EventType.EVENT_TYPE_DONG, payload=json.dumps({"data": request.data})
                )
            )

    async def _event(self, stream: Any) -> None:
        await stream.recv_message()
        current = _Stream()
        self._stream = current  # a new client stream replaces the old one
        self.streams_opened += 1
        # The official server: a heartbeat says the stream is up, then the login.
        heartbeat = json.dumps({"data": "Wechaty Puppet gRPC stream connect successfully"})
        current.queue.put_nowait(
            pb.EventResponse(type=pb.EventType.EVENT_TYPE_HEARTBEAT, payload=heartbeat)
        )
        login = json.dumps({"contactId": self.bot_id})
        current.queue.put_nowait(
            pb.EventResponse(type=pb.EventType.EVENT_TYPE_LOGIN, payload=login)
        )
        while self._replay:
            current.queue.put_nowait(self._replay.popleft())
        self._stream_ready.set()
        while True:
            event = await current.queue.get()
            if current.silent:  # the stream stays open and says nothing; the event is lost
                self.lost.append(event)
                continue
            await stream.send_message(event)
            if event.type == pb.EventType.EVENT_TYPE_MESSAGE:
                self._recent_delivered.append(event)

    async def _message_payload(self, stream: Any) -> None:
        request = await stream.recv_message()
        payload = self.messages.get(request.id) or pb.MessagePayloadResponse(id=request.id)
        await stream.send_message(payload)

    async def _contact_payload(self, stream: Any) -> None:
        request = await stream.recv_message()
        name = self.contacts.get(request.id, "")
        await stream.send_message(pb.ContactPayloadResponse(id=request.id, name=name, friend=True))

    async def _room_payload(self, stream: Any) -> None:
        request = await stream.recv_message()
        topic, members = self.rooms.get(request.id, ("", []))
        await stream.send_message(
            pb.RoomPayloadResponse(id=request.id, topic=topic, member_ids=list(members))
        )

    async def _room_member_list(self, stream: Any) -> None:
        request = await stream.recv_message()
        _, members = self.rooms.get(request.id, ("", []))
        await stream.send_message(pb.RoomMemberListResponse(member_ids=list(members)))

    def _record_own_message(self, conversation_id: str, text: str) -> str:
        message_id = f"sent-{next(self._ids)}"
        in_room = conversation_id in self.rooms
        self.messages[message_id] = pb.MessagePayloadResponse(
            id=message_id,
            text=text,
            timestamp=int(time.time() * 1000),
            type=WIRE_TYPE_TEXT,
            from_id=self.bot_id,
            room_id=conversation_id if in_room else "",
            to_id="" if in_room else conversation_id,
        )
        if self.echo_sends:
            self._emit(pb.EventType.EVENT_TYPE_MESSAGE, {"messageId": message_id})
        return message_id

    async def _send_text(self, stream: Any) -> None:
        request = await stream.recv_message()
        at = time.monotonic()
        self.sent_texts.append(
            SentText(request.conversation_id, request.text, list(request.mentonal_ids), at)
        )
        self._record_own_message(request.conversation_id, request.text)
        await stream.send_message(pb.MessageSendTextResponse())  # no id, as the official one

    async def _send_file(self, stream: Any) -> None:
        request = await stream.recv_message()
        at = time.monotonic()
        box = json.loads(request.filebox)
        size = len(box.get("base64") or "") * 3 // 4
        self.sent_files.append(SentFile(request.conversation_id, box.get("name", ""), size, at))
        self._record_own_message(request.conversation_id, box.get("name", ""))
        await stream.send_message(pb.MessageSendFileResponse())  # no id, as the official one
