"""The WeChat channel: a Wechaty bot that turns group messages into IncomingMessages.

It knows nothing of NLU or the ledger: each text message becomes one plain
`IncomingMessage` for the handler (the dispatcher), and the `Reply`s it returns are sent
back into the room, mentioning the sender, files as FileBox (a picture as an image FileBox).

Why this subclass replaces python-wechaty's own event bridge and start loop (0.10.7):
- its message listener drops repeated ids in an in-memory set (gone after a restart) and
  runs every message as its own task, so two messages can overtake each other; here every
  event is queued in arrival order and handled by one worker thread;
- its login listener restarts the plugin scheduler and probes port 5000 on every login,
  which fails on the second login after a reconnect;
- `Wechaty.start()` swallows errors and sleeps 60 s, and after a puppet-service restart
  the event stream can end without an error; here a supervisor reconnects with a short
  backoff and a watchdog (see watchdog.py) catches a stream that stays open but silent;
- `Room.say()` fetches the sent message's payload after sending; if that fetch fails the
  send looks failed and a retry would post the answer twice. We send through the puppet
  exactly as `Room.say()` does (same "@name" prefix and mention ids), without the fetch.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import mimetypes
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import wechaty_puppet_service  # noqa: F401 - imported first so tame_wechaty_loggers sees its logger
from wechaty import Wechaty, WechatyOptions
from wechaty.config import AT_SEPARATOR
from wechaty_puppet import FileBox, MessageType, Puppet
from wechaty_puppet.schemas.puppet import PuppetOptions

from bot.channels import wechaty_compat  # noqa: F401 - fixes the client's event stream
from bot.channels.mentions import bot_mention_pattern, strip_bot_mention
from bot.channels.outbox import Outbox, Outgoing
from bot.channels.texts import load_run_texts
from bot.channels.watchdog import Watchdog
from bot.message import IncomingMessage, Picture, Reply
from bot.settings import Settings
from bot.spool import Outcome, Spool, SpoolingHandler

log = logging.getLogger(__name__)

CHANNEL = "wechaty"

Handler = Callable[[IncomingMessage], list[Reply]]


@dataclass(frozen=True)
class ChannelTimings:
    """How patient the channel is; tests shrink these, production keeps the defaults."""

    ding_after: float = 10.0  # quiet this long: send a ding
    quiet_after: float = 25.0  # quiet this long: reconnect (keeps reconnect under 30 s)
    reconnect_min: float = 0.2  # first backoff after the stream ends
    reconnect_max: float = 3.0  # backoff ceiling while the service is down
    fetch_attempts: int = 5  # tries to load a message's payload
    fetch_delay: float = 0.2  # first pause between those tries (doubles)
    send_attempts: int = 8
    send_base_delay: float = 0.2
    send_max_delay: float = 5.0
    spool_retry: float = 5.0  # how often a non-empty spool is retried
    stop_timeout: float = 20.0  # SIGTERM: time allowed to finish in-flight messages
    recent_ids: int = 10_000  # in-process duplicate filter size


def message_time(timestamp: float | int | None, tz: ZoneInfo) -> datetime:
    """The message's send time, timezone-aware; puppets send seconds or milliseconds."""
    if not timestamp:
        return datetime.now(tz)
    seconds = timestamp / 1000 if timestamp > 2145888000 else timestamp
    return datetime.fromtimestamp(seconds, tz)


def plan_replies(
    msg: IncomingMessage, replies: Iterable[Reply], *, event_time: float | None = None
) -> list[Outgoing]:
    """How the replies to `msg` go out: into its room mentioning the sender, or privately."""
    conversation = msg.room or msg.sender
    planned: list[Outgoing] = []
    for reply in replies:
        mention: tuple[str, ...] = ()
        if msg.room is not None:
            mention = (reply.mention or msg.sender,)
        if reply.text and reply.text.strip():
            planned.append(
                Outgoing(conversation, reply.text, mention, None, msg.message_id, event_time)
            )
        if reply.picture is not None:
            planned.append(
                Outgoing(
                    conversation,
                    source_message_id=msg.message_id,
                    event_time=event_time,
                    picture=reply.picture,
                )
            )
        if reply.file is not None:
            planned.append(
                Outgoing(conversation, None, (), Path(reply.file), msg.message_id, event_time)
            )
    return planned


def picture_box(picture: Picture) -> FileBox:
    """A FileBox of the picture's bytes with its image media type: WeChat shows a file
    whose type is image/* as a picture in the chat, not as an attachment to download."""
    box = FileBox.from_base64(base64.b64encode(picture.data), name=picture.name)
    box.mediaType = mimetypes.guess_type(picture.name)[0] or "image/png"
    return box


def tame_wechaty_loggers(level: int = logging.WARNING) -> None:
    """Route python-wechaty's loggers through ours: they print to stderr on their own at
    INFO (the puppet service even logs its token), bypassing our JSON logs and redaction."""
    for logger in list(logging.root.manager.loggerDict.values()):
        if not isinstance(logger, logging.Logger) or logger.propagate:
            continue
        fmts = {getattr(h.formatter, "_fmt", None) for h in logger.handlers}
        if "%(asctime)s - %(name)s - %(levelname)s - %(message)s" in fmts:
            logger.handlers = []
            logger.propagate = True
            logger.setLevel(level)


def _emitter_of(puppet: Puppet) -> Any:
    """The pyee emitter behind a puppet: PuppetService and FakePuppet name it differently."""
    return getattr(puppet, "_event_stream", None) or getattr(puppet, "emitter", None)


class WechatyChannel(Wechaty):
    """A Wechaty bot serving the township work groups; `await run()` until `await stop()`."""

    def __init__(
        self,
        handler: Handler,
        *,
        settings: Settings,
        puppet: Puppet | None = None,
        token: str | None = None,
        endpoint: str | None = None,
        timings: ChannelTimings | None = None,
        texts: Mapping[str, str] | None = None,
        spool: Spool | None = None,
    ) -> None:
        tame_wechaty_loggers()
        # A fresh PuppetOptions every time: WechatyOptions' default instance is shared by
        # every bot in the process, and Wechaty writes the token and endpoint into it.
        options = WechatyOptions(puppet_options=PuppetOptions(), token=token, endpoint=endpoint)
        if puppet is not None:
            options.puppet = puppet
        super().__init__(options)
        self.settings = settings
        self.timings = timings or ChannelTimings()
        if texts is None:
            texts = load_run_texts()
        self.texts = dict(texts)
        self._tz = ZoneInfo(settings.timezone)
        if spool is None:
            spool = Spool(Path(settings.data_dir) / "spool" / "wechaty.jsonl")
        self.spool = spool
        self._spooling = SpoolingHandler(handler, self.spool)
        self._bot_names: set[str] = {settings.bot_name}
        self._mention_re = bot_mention_pattern(self._bot_names)
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._registered: list[tuple[Any, str, Callable[..., Any]]] = []
        # Set in run(): asyncio objects must be made inside the running loop.
        self._inbox: asyncio.Queue[tuple[str, float, asyncio.Task[IncomingMessage | None]]]
        self._executor: ThreadPoolExecutor | None = None
        self._outbox: Outbox | None = None
        self._watchdog: Watchdog | None = None
        self._stopping: asyncio.Event | None = None
        self._stream_task: asyncio.Task[None] | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self.connected: asyncio.Event | None = None  # set while the event stream is up
        self._in_flight = 0  # messages queued and not yet handled
        self._following = 0  # announced slow work (a report render) not yet sent
        self.connections = 0  # how many times the event stream was (re)established
        self.handled = 0  # messages passed to the handler

    # ---- lifecycle -------------------------------------------------------------------

    async def run(self) -> None:
        """Connect, serve, reconnect when the stream ends or goes quiet; returns after stop()."""
        await self.connect()
        await self.listen()

    async def connect(self) -> None:
        """Start the pipeline (handler thread, outbox, watchdog, spool retry); listen()
        then opens the event stream and keeps it open."""
        t = self.timings
        self._stopping = asyncio.Event()
        self.connected = asyncio.Event()
        self._inbox = asyncio.Queue()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="taizhang-handler")
        self._outbox = Outbox(
            self._send,
            attempts=t.send_attempts,
            base_delay=t.send_base_delay,
            max_delay=t.send_max_delay,
        )
        self._watchdog = Watchdog(
            ding=self._ding,
            on_quiet=self._reconnect_now,
            ding_after=t.ding_after,
            quiet_after=t.quiet_after,
        )
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._consume(), name="wechaty-consume"),
            loop.create_task(self._watchdog.run(), name="wechaty-watchdog"),
            loop.create_task(self._retry_spool(), name="wechaty-spool"),
        ]

    async def listen(self) -> None:
        """Serve the event stream, reconnecting when it ends or goes quiet, until stop()."""
        assert self._stopping is not None and self.connected is not None, "connect() first"
        t = self.timings
        loop = asyncio.get_running_loop()
        backoff = t.reconnect_min
        try:
            while not self._stopping.is_set():
                before = self.connections
                self._stream_task = loop.create_task(
                    self._connect_and_listen(), name="wechaty-stream"
                )
                await asyncio.wait({self._stream_task})
                self.connected.clear()
                task = self._stream_task
                if self._stopping.is_set():
                    log.info("stopping: event stream closed")
                elif task.cancelled():
                    log.warning("event stream cancelled; reconnecting")
                elif task.exception() is not None:
                    log.warning("event stream failed: %r", task.exception())
                else:
                    log.warning("event stream ended; reconnecting")
                await self._disconnect()
                if self._stopping.is_set():
                    break
                backoff = (
                    t.reconnect_min
                    if self.connections > before
                    else min(backoff * 2, t.reconnect_max)
                )
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), backoff)
        finally:
            await self._shutdown()

    async def stop(self) -> None:  # type: ignore[override]
        """Ask run() to finish: in-flight messages are handled and answered first (SIGTERM)."""
        if self._stopping is None:
            return
        self._stopping.set()
        if self._stream_task is not None and not self._stream_task.done():
            self._stream_task.cancel()

    def send(self, conversation_id: str, reply: Reply) -> None:
        """Send an unsolicited message (a scheduled reminder) into a room or private chat."""
        if self._outbox is None:
            raise RuntimeError("the channel is not running")
        mention = (reply.mention,) if reply.mention else ()
        if reply.text and reply.text.strip():
            self._outbox.put(
                Outgoing(conversation_id, reply.text, mention, notify_ids=tuple(reply.notify))
            )
        if reply.picture is not None:
            self._outbox.put(Outgoing(conversation_id, picture=reply.picture))
        if reply.file is not None:
            self._outbox.put(Outgoing(conversation_id, None, (), Path(reply.file)))

    async def wait_connected(self, timeout: float) -> bool:
        """Wait until the event stream is up (login seen); False on timeout."""
        while self.connected is None:
            await asyncio.sleep(0.01)
        try:
            await asyncio.wait_for(self.connected.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    async def idle(self, timeout: float) -> bool:
        """Wait until every queued message is handled and every reply sent (tests, bench)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            outbox_empty = self._outbox is None or self._outbox.pending == 0
            if self._in_flight == 0 and self._following == 0 and outbox_empty:
                return True
            await asyncio.sleep(0.01)
        return False

    async def _connect_and_listen(self) -> None:
        await self.init_puppet()
        await self.init_puppet_event_bridge(self.puppet)
        log.info("starting puppet")
        # PuppetService.start() returns when the event stream ends; FakePuppet's never does.
        await self.puppet.start()

    async def init_puppet(self) -> None:
        """Bind Contact/Room/... to the puppet, with caches of our own.

        Upstream keeps one Room and one Contact cache for the whole process (a class
        attribute of the base class), so a second bot, or the same bot after a reconnect,
        would be handed objects bound to a stale puppet.
        """
        await super().init_puppet()
        for cls in (self.Contact, self.ContactSelf, self.Room, self.Tag):
            cls._pool = {}  # noqa: SLF001

    async def init_puppet_event_bridge(self, puppet: Puppet) -> None:
        """Listen to the few puppet events this bot needs (replaces the upstream bridge)."""
        self._unregister()
        self._listen(puppet, "message", self._on_message_event)
        self._listen(puppet, "login", self._on_login_event)
        self._listen(puppet, "logout", self._on_logout_event)
        self._listen(puppet, "scan", self._on_scan_event)
        self._listen(puppet, "error", self._on_error_event)
        for name in (
            "dong",
            "heartbeat",
            "heart-beat",
            "ready",
            "room-join",
            "room-leave",
            "room-topic",
        ):
            self._listen(puppet, name, self._feed)

    def _listen(self, puppet: Puppet, event: str, fn: Callable[..., Any]) -> None:
        puppet.on(event, fn)
        self._registered.append((puppet, event, fn))

    def _unregister(self) -> None:
        for puppet, event, fn in self._registered:
            emitter = _emitter_of(puppet)
            if emitter is not None:
                # KeyError: PuppetService.stop() already removed every listener
                with contextlib.suppress(KeyError):
                    emitter.remove_listener(event, fn)
        self._registered.clear()

    async def _disconnect(self) -> None:
        """Stop the puppet, and close its gRPC channel even when Stop cannot reach the service."""
        self._unregister()
        puppet = self._puppet
        if puppet is None:
            return
        try:
            await asyncio.wait_for(puppet.stop(), 2.0)
        except Exception as exc:  # the service may be gone: that is why we are here
            log.info("puppet stop failed: %r", exc)
        channel = getattr(puppet, "channel", None)
        if channel is not None:
            channel.close()
            puppet.channel = None
        if hasattr(puppet, "_puppet_stub"):
            puppet._puppet_stub = None  # noqa: SLF001

    async def _reconnect_now(self) -> None:
        """The watchdog's verdict: drop the current stream; run() connects again."""
        if self._stream_task is not None and not self._stream_task.done():
            self._stream_task.cancel()

    async def _ding(self) -> None:
        await self.puppet.ding("taizhang-watchdog")

    async def _shutdown(self) -> None:
        """Finish what is in flight (bounded), keep the rest in the spool, then close."""
        t = self.timings
        if self._stream_task is not None and not self._stream_task.done():
            self._stream_task.cancel()
        deadline = time.monotonic() + t.stop_timeout
        # Let the consumer finish the queue and the announced reports; the puppet is still
        # needed for the replies.
        while time.monotonic() < deadline and (self._in_flight or self._following):
            await asyncio.sleep(0.02)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._spool_unfinished()
        if self._outbox is not None:
            if not await self._outbox.join(max(0.1, deadline - time.monotonic())):
                log.error("shutdown: %d replies still unsent", self._outbox.pending)
            await self._outbox.close()
            self._outbox = None  # a report finishing after this is logged as not sent
        await self._disconnect()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        log.info("wechaty channel stopped", extra={"handled": self.handled})

    async def _spool_unfinished(self) -> None:
        """Messages fetched but not handled before the stop deadline go to the spool."""
        while not self._inbox.empty():
            message_id, _, fetch = self._inbox.get_nowait()
            self._in_flight -= 1
            try:
                incoming = await asyncio.wait_for(fetch, 1.0)
            except Exception:
                log.error("message dropped at shutdown", extra={"message_id": message_id})
                continue
            if incoming is not None:
                self.spool.append(incoming)
                log.warning("message spooled at shutdown", extra={"message_id": message_id})

    # ---- events ----------------------------------------------------------------------

    def _feed(self, *_: object) -> None:
        if self._watchdog is not None:
            self._watchdog.feed()

    def _on_message_event(self, payload: Any) -> None:
        """Synchronous on purpose: the arrival order is fixed here, before any await."""
        self._feed()
        message_id = str(getattr(payload, "message_id", "") or "")
        if not message_id:
            return
        if message_id in self._recent:
            log.info("duplicate delivery ignored", extra={"message_id": message_id})
            return
        self._remember(message_id)
        event_time = time.monotonic()
        fetch = asyncio.get_running_loop().create_task(self._fetch(message_id))
        self._in_flight += 1
        self._inbox.put_nowait((message_id, event_time, fetch))

    def _remember(self, message_id: str) -> None:
        self._recent[message_id] = None
        while len(self._recent) > self.timings.recent_ids:
            self._recent.popitem(last=False)

    def _on_login_event(self, payload: Any) -> None:
        self._feed()
        self.contact_id = getattr(payload, "contact_id", "")
        self.connections += 1
        if self.connected is not None:
            self.connected.set()
        log.info(
            "logged in", extra={"contact_id": self.contact_id, "connections": self.connections}
        )
        asyncio.get_running_loop().create_task(self._learn_own_name())

    async def _learn_own_name(self) -> None:
        """Users mention the bot by its WeChat name, which may differ from settings.bot_name."""
        try:
            me = self.ContactSelf.load(self.contact_id)
            await me.ready()
            if me.name:
                self._bot_names.add(me.name)
                self._mention_re = bot_mention_pattern(self._bot_names)
        except Exception as exc:
            log.info("could not load own contact: %r", exc)

    def _on_logout_event(self, payload: Any) -> None:
        log.error("the WeChat account logged out; scan the login QR code again")

    def _on_scan_event(self, payload: Any) -> None:
        from urllib.parse import quote

        qrcode = getattr(payload, "qrcode", None) or ""
        if qrcode:
            log.warning(
                "scan to log in: https://wechaty.js.org/qrcode/%s",
                quote(qrcode, safe=""),
                extra={"status": str(getattr(payload, "status", ""))},
            )

    def _on_error_event(self, payload: Any) -> None:
        if payload:
            log.warning("puppet error event: %s", getattr(payload, "data", payload))

    # ---- the pipeline: fetch (concurrent) -> handle (one thread, in order) -> send --------

    async def _fetch(self, message_id: str) -> IncomingMessage | None:
        """Load the message from the puppet and turn it into an IncomingMessage (None: ignore)."""
        delay = self.timings.fetch_delay
        for attempt in range(1, self.timings.fetch_attempts + 1):
            try:
                return await self._to_incoming(message_id)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if attempt == self.timings.fetch_attempts:
                    self._recent.pop(message_id, None)  # a redelivery may succeed
                    log.error(
                        "message could not be loaded: %r", exc, extra={"message_id": message_id}
                    )
                    return None
                await asyncio.sleep(delay)
                delay *= 2
        return None

    async def _to_incoming(self, message_id: str) -> IncomingMessage | None:
        msg = self.Message.load(message_id)
        await msg.ready()
        payload = msg.payload
        if msg.type() != MessageType.MESSAGE_TYPE_TEXT:
            log.debug("non-text message ignored", extra={"message_id": message_id})
            return None
        talker = msg.talker()
        try:
            own_id = self.puppet.self_id()
        except Exception:
            own_id = getattr(self, "contact_id", None)
        if own_id and talker.contact_id == own_id:
            return None  # our own replies come back as events
        await talker.ready()
        room = msg.room()
        topic = owner = None
        if room is not None:
            await room.ready()
            topic = room.payload.topic if room.payload is not None else None
            owner = getattr(room.payload, "owner_id", None) or None
        text, mentioned = strip_bot_mention(msg.text(), self._mention_re)
        mention_ids = list(getattr(payload, "mention_ids", None) or [])
        mentioned = mentioned or bool(own_id and own_id in mention_ids)
        others = [i for i in mention_ids if i and i != own_id]
        return IncomingMessage(
            channel=CHANNEL,
            message_id=message_id,
            room=room.room_id if room is not None else None,
            sender=talker.contact_id,
            time=message_time(getattr(payload, "timestamp", None), self._tz),
            text=text,
            # A private chat is always addressed to the bot.
            mentions_bot=mentioned or room is None,
            sender_name=talker.name or None,
            room_topic=topic,
            room_owner=owner,
            mentioned=tuple([(i, await self._contact_name(i)) for i in others]),
        )

    async def _contact_name(self, contact_id: str) -> str:
        """An @-named contact's WeChat name ("设为管理员 @张敏"), or '' when it cannot load."""
        try:
            contact = self.Contact.load(contact_id)
            await contact.ready()
            return contact.name or ""
        except Exception as exc:  # a name is a nicety: the id is what matters
            log.warning("mentioned contact not loaded: %r", exc, extra={"contact": contact_id})
            return ""

    async def _consume(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            message_id, event_time, fetch = await self._inbox.get()
            try:
                incoming = await fetch
                if incoming is None:
                    continue
                self.handled += 1
                outcomes = await loop.run_in_executor(self._executor, self._spooling, incoming)
                self._send_outcomes(outcomes, event_time)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("message pipeline failed", extra={"message_id": message_id})
            finally:
                self._in_flight -= 1

    def _send_outcomes(self, outcomes: list[Outcome], event_time: float | None) -> None:
        assert self._outbox is not None
        for outcome in outcomes:
            msg = outcome.message
            replies = outcome.replies
            addressed = msg.mentions_bot or msg.room is None
            if outcome.spooled and addressed:
                replies = [Reply(self.texts["spooled"], mention=msg.sender)]
            elif outcome.failed and addressed:
                replies = [Reply(self.texts["handler_error"], mention=msg.sender)]
            for item in plan_replies(msg, replies, event_time=event_time):
                self._outbox.put(item)
            for reply in replies:
                if reply.follow_up is not None:
                    self._follow(msg, reply.follow_up)

    def _follow(self, msg: IncomingMessage, future: Future[list[Reply]]) -> None:
        """Send what slow work (a report render) says once it is done, from this loop."""
        loop = asyncio.get_running_loop()
        self._following += 1

        def done(finished: Future[list[Reply]]) -> None:
            loop.call_soon_threadsafe(self._send_follow_up, msg, finished)

        future.add_done_callback(done)

    def _send_follow_up(self, msg: IncomingMessage, future: Future[list[Reply]]) -> None:
        self._following -= 1
        try:
            replies = future.result()
        except Exception:
            log.exception("background work failed", extra={"message_id": msg.message_id})
            replies = [Reply(self.texts["handler_error"], mention=msg.sender)]
        if self._outbox is None:
            log.error("follow-up not sent: channel stopped", extra={"message_id": msg.message_id})
            return
        for item in plan_replies(msg, replies):
            self._outbox.put(item)

    async def _retry_spool(self) -> None:
        """While messages wait in the spool, try the database again every few seconds."""
        loop = asyncio.get_running_loop()
        while True:
            if self._spooling.has_pending:
                # Counted as in flight: the spool file is gone before the replies are queued.
                self._in_flight += 1
                try:
                    outcomes = await loop.run_in_executor(self._executor, self._spooling.drain)
                    self._send_outcomes(outcomes, None)
                except Exception:
                    log.exception("spool drain failed")
                finally:
                    self._in_flight -= 1
            await asyncio.sleep(self.timings.spool_retry)

    async def _send(self, item: Outgoing) -> None:
        """One attempt at sending; the outbox retries. Same wire format as Room.say()."""
        puppet = self.puppet  # raises while reconnecting; the outbox waits and retries
        if getattr(puppet, "_puppet_stub", True) is None:
            raise ConnectionError("puppet is reconnecting")
        if item.picture is not None:
            await puppet.message_send_file(
                conversation_id=item.conversation_id, file=picture_box(item.picture)
            )
            return
        if item.file is not None:
            box = FileBox.from_file(str(item.file), name=item.file.name)
            await puppet.message_send_file(conversation_id=item.conversation_id, file=box)
            return
        text = item.text or ""
        if item.mention_ids:
            names = []
            for contact_id in item.mention_ids:
                contact = self.Contact.load(contact_id)
                await contact.ready()
                names.append("@" + (contact.name or contact_id))
            text = AT_SEPARATOR.join(names) + " " + text
        await puppet.message_send_text(
            conversation_id=item.conversation_id,
            message=text,
            mention_ids=list(item.mention_ids + item.notify_ids) or None,
        )
