"""A local on-disk spool for messages that arrive while the database is unavailable.

Why: a staff member's "今天调解纠纷3件" must not vanish because PostgreSQL is restarting.
The message is appended to a JSON-lines file (fsync'd, so a crash right after keeps it)
and handled, in arrival order, as soon as the database answers again. New messages queue
behind spooled ones so a correction never overtakes the fact it corrects.

Replaying is safe because the dispatcher is idempotent on (channel, message_id): if the
process dies between handling a spooled message and rewriting the spool, the second
attempt is recognised as a duplicate.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.message import IncomingMessage, Reply

log = logging.getLogger(__name__)

Handler = Callable[[IncomingMessage], list[Reply]]


def is_database_unavailable(exc: BaseException) -> bool:
    """True for errors that mean "cannot reach the database", not "this message is bad"."""
    try:
        from sqlalchemy import exc as sa_exc
    except ImportError:  # pragma: no cover - SQLAlchemy is a dependency
        return False
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(
        exc,
        (
            sa_exc.OperationalError,
            sa_exc.InterfaceError,
            sa_exc.DisconnectionError,
            sa_exc.TimeoutError,
        ),
    )


def message_to_json(msg: IncomingMessage) -> str:
    """One spool line."""
    data = {
        "channel": msg.channel,
        "message_id": msg.message_id,
        "room": msg.room,
        "sender": msg.sender,
        "time": msg.time.isoformat(),
        "text": msg.text,
        "mentions_bot": msg.mentions_bot,
        "sender_name": msg.sender_name,
        "room_topic": msg.room_topic,
    }
    return json.dumps(data, ensure_ascii=False)


def message_from_json(line: str) -> IncomingMessage:
    """Inverse of `message_to_json`; raises ValueError/KeyError on a damaged line."""
    data = json.loads(line)
    return IncomingMessage(
        channel=str(data["channel"]),
        message_id=str(data["message_id"]),
        room=data.get("room"),
        sender=str(data["sender"]),
        time=datetime.fromisoformat(data["time"]),
        text=str(data["text"]),
        mentions_bot=bool(data.get("mentions_bot", False)),
        sender_name=data.get("sender_name"),
        room_topic=data.get("room_topic"),
    )


class Spool:
    """An append-only JSON-lines file of messages waiting for the database."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, msg: IncomingMessage) -> None:
        """Add one message and make it durable before returning."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(message_to_json(msg) + "\n")
                fh.flush()
                os.fsync(fh.fileno())

    def pending(self) -> list[IncomingMessage]:
        """Messages waiting, oldest first; a damaged line (torn write) is logged and skipped."""
        with self._lock:
            if not self.path.exists():
                return []
            lines = self.path.read_text(encoding="utf-8").splitlines()
        messages = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                messages.append(message_from_json(line))
            except (ValueError, KeyError, TypeError) as exc:
                log.error("skipping damaged spool line %d: %s", number, exc)
        return messages

    def __len__(self) -> int:
        return len(self.pending())

    def replace(self, remaining: list[IncomingMessage]) -> None:
        """Atomically rewrite the spool with what is still waiting (empty: remove it)."""
        with self._lock:
            if not remaining:
                self.path.unlink(missing_ok=True)
                return
            tmp = self.path.with_suffix(self.path.suffix + ".tmp")
            with tmp.open("w", encoding="utf-8") as fh:
                for msg in remaining:
                    fh.write(message_to_json(msg) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)


@dataclass
class Outcome:
    """What became of one message: answered, kept in the spool, or failed (logged)."""

    message: IncomingMessage
    replies: list[Reply] = field(default_factory=list)
    spooled: bool = False
    failed: bool = False


class SpoolingHandler:
    """Wraps the dispatcher so that a database outage spools messages instead of losing them.

    Call it from one thread only (the channel's single worker): order depends on it.
    """

    def __init__(
        self,
        handle: Handler,
        spool: Spool,
        *,
        is_unavailable: Callable[[BaseException], bool] = is_database_unavailable,
    ) -> None:
        self._handle = handle
        self.spool = spool
        self._is_unavailable = is_unavailable
        self._has_pending = bool(spool.pending())

    @property
    def has_pending(self) -> bool:
        """Whether messages wait in the spool (cached; the spool is only written from here)."""
        return self._has_pending

    def __call__(self, msg: IncomingMessage) -> list[Outcome]:
        """Handle one message; returns outcomes for it and for any spooled ones handled first."""
        if self._has_pending:
            self.spool.append(msg)
            outcomes = self.drain()
            if self._has_pending:  # still down: tell the caller this one was kept
                return [*outcomes, Outcome(msg, spooled=True)]
            return outcomes
        try:
            return [Outcome(msg, self._handle(msg))]
        except Exception as exc:
            if self._is_unavailable(exc):
                self.spool.append(msg)
                self._has_pending = True
                log.warning(
                    "database unavailable, message spooled: %s",
                    exc,
                    extra={"message_id": msg.message_id, "spool": str(self.spool.path)},
                )
                return [Outcome(msg, spooled=True)]
            log.exception("handler failed", extra={"message_id": msg.message_id})
            return [Outcome(msg, failed=True)]

    def drain(self) -> list[Outcome]:
        """Handle spooled messages in order until done or the database fails again."""
        pending = self.spool.pending()
        outcomes: list[Outcome] = []
        for index, msg in enumerate(pending):
            try:
                outcomes.append(Outcome(msg, self._handle(msg)))
            except Exception as exc:
                if self._is_unavailable(exc):
                    self.spool.replace(pending[index:])
                    self._has_pending = True
                    if outcomes:
                        log.warning("database failed again; %d spooled left", len(pending) - index)
                    return outcomes
                log.exception(
                    "handler failed on a spooled message", extra={"message_id": msg.message_id}
                )
                outcomes.append(Outcome(msg, failed=True))
        self.spool.replace([])
        self._has_pending = False
        if pending:
            log.info("spool drained", extra={"handled": len(pending)})
        return outcomes
