"""Outgoing chat messages: sent in order per conversation, retried with backoff, logged.

Why a queue per conversation: a room whose sends keep failing (the bot was removed, the
puppet is reconnecting) must not hold up the answers in every other room, yet within one
room the answers must keep the order of the questions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.message import Picture

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """One thing to send into one conversation (a room id or, for a private chat, a contact id)."""

    conversation_id: str
    text: str | None = None
    mention_ids: tuple[str, ...] = ()  # "@name" is put in front of the text for these
    file: Path | None = None
    source_message_id: str | None = None  # the message this answers, for logs
    event_time: float | None = None  # time.monotonic() when that message's event arrived
    notify_ids: tuple[str, ...] = ()  # already @-named inside the text: notified, not prefixed
    picture: Picture | None = None  # an image (a chart), sent as a file the chat shows


SendFn = Callable[[Outgoing], Awaitable[None]]


class Outbox:
    """Sends `Outgoing` items with retry and exponential backoff.

    At-least-once: a send whose reply was lost on the wire is sent again, which is better
    in a work group than an answer that never comes.
    """

    def __init__(
        self,
        send: SendFn,
        *,
        attempts: int = 8,
        base_delay: float = 0.2,
        max_delay: float = 5.0,
        send_timeout: float = 15.0,
    ) -> None:
        self._send = send
        self._attempts = max(1, attempts)
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._send_timeout = send_timeout
        self._queues: dict[str, asyncio.Queue[Outgoing]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.sent = 0
        self.failed = 0
        self.retried = 0

    @property
    def pending(self) -> int:
        """Items queued or being sent."""
        return self._pending

    def put(self, item: Outgoing) -> None:
        """Queue an item; its conversation's worker is started if it is not running."""
        queue = self._queues.setdefault(item.conversation_id, asyncio.Queue())
        queue.put_nowait(item)
        self._pending += 1
        self._idle.clear()
        worker = self._workers.get(item.conversation_id)
        if worker is None or worker.done():
            self._workers[item.conversation_id] = asyncio.get_running_loop().create_task(
                self._drain(queue), name=f"outbox:{item.conversation_id}"
            )

    async def join(self, timeout: float | None = None) -> bool:
        """Wait until everything queued has been sent or given up; False on timeout."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    async def close(self) -> None:
        """Stop every worker; items still queued are logged as not sent."""
        for worker in self._workers.values():
            worker.cancel()
        for worker in self._workers.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await worker  # shutting down: its error was already logged
        for conversation, queue in self._queues.items():
            while not queue.empty():
                item = queue.get_nowait()
                log.error(
                    "reply not sent: shutting down",
                    extra={"conversation": conversation, "source_message": item.source_message_id},
                )
        self._workers.clear()

    async def _drain(self, queue: asyncio.Queue[Outgoing]) -> None:
        while not queue.empty():
            item = queue.get_nowait()
            try:
                await self._send_with_retry(item)
            finally:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.set()

    async def _send_with_retry(self, item: Outgoing) -> bool:
        for attempt in range(1, self._attempts + 1):
            try:
                await asyncio.wait_for(self._send(item), self._send_timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any transport or puppet error is worth another try
                if attempt == self._attempts:
                    self.failed += 1
                    log.error(
                        "reply not sent after %d attempts: %s",
                        attempt,
                        exc,
                        extra={
                            "conversation": item.conversation_id,
                            "source_message": item.source_message_id,
                        },
                    )
                    return False
                delay = min(self._max_delay, self._base_delay * 2 ** (attempt - 1))
                self.retried += 1
                log.warning(
                    "send failed (attempt %d), retrying in %.1fs: %s",
                    attempt,
                    delay,
                    exc,
                    extra={
                        "conversation": item.conversation_id,
                        "source_message": item.source_message_id,
                    },
                )
                await asyncio.sleep(delay)
                continue
            self.sent += 1
            extra = {"conversation": item.conversation_id, "source_message": item.source_message_id}
            if item.event_time is not None:
                extra["latency_ms"] = round((time.monotonic() - item.event_time) * 1000, 1)
            log.debug("sent", extra=extra)
            return True
        return False
