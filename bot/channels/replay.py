"""Replay of a group-chat export (JSON lines) through the one message path.

Each line is {"time": ISO 8601, "room": ..., "sender": ..., "text": ...} plus an optional
"id"; its time is "now" for that message. An `admit` callback (bot.onboarding) registers
rooms and senders not yet known before their lines are handled. The message id is the
line's "id", or a hash of time, room, sender and text, so replaying a file again adds
nothing. Lines are stored and handled in batched transactions (the file itself is the
durable copy): a replay killed at any point and started again ends with exactly the ledger
of one uninterrupted run. Bad lines are reported with their numbers and kept, verbatim,
for review; the rest is imported. A line that cannot be stored as it is (an id longer than
its column, a NUL character, a lone surrogate) is made storable (bot.inbound); a time
outside 2000-2099 is a bad line.

The file's encoding is detected: UTF-8 (with or without a BOM), UTF-16 with a BOM, and
GB18030 (which includes GBK, what Windows tools in China often write). A line that does
not decode is a bad line; nothing is ever stored as mojibake.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.dispatcher import Dispatcher
from bot.inbound import clean_id, time_in_range
from bot.message import IncomingMessage, Reply
from bot.storage.models import MessageStatus

log = logging.getLogger(__name__)

CHANNEL = "replay"


@dataclass(frozen=True)
class ReplayLine:
    number: int
    time: datetime
    room: str
    sender: str
    text: str
    id: str


@dataclass(frozen=True)
class BadLine:
    """A line that cannot be imported: `reason` is a key of cli.bad_line_reasons in
    data/replies.yml (not_json, not_object, bad_time, time_out_of_range, missing_field,
    bad_id, bad_encoding); `raw` is the line as read, kept for review."""

    number: int
    reason: str
    detail: str = ""
    raw: str = ""


class _LineError(ValueError):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason, self.detail = reason, detail


@dataclass
class ReplaySummary:
    """What a replay did; `statuses` counts the outcome of each newly handled message."""

    lines: int = 0
    messages: int = 0  # newly handled
    duplicates: int = 0  # already in the ledger
    facts_logged: int = 0
    statuses: Counter = field(default_factory=Counter)
    bad_lines: list[BadLine] = field(default_factory=list)
    encoding: str = "utf-8"
    # The pictures the answers carried (a progress chart), by name: nobody is there to see
    # them, but what the bot would have shown is kept.
    pictures: list[str] = field(default_factory=list)

    def record(self, answers: list[Reply]) -> None:
        self.pictures += [a.picture.name for a in answers if a.picture is not None]

    @property
    def corrections(self) -> int:
        return self.statuses[MessageStatus.CORRECTED] + self.statuses[MessageStatus.RETRACTED]

    @property
    def ignored(self) -> int:
        return self.statuses[MessageStatus.IGNORED]

    @property
    def not_understood(self) -> int:
        return self.statuses[MessageStatus.NOT_UNDERSTOOD]

    @property
    def failed(self) -> int:
        return self.statuses[MessageStatus.FAILED]


def message_id_for(time: datetime, room: str, sender: str, text: str) -> str:
    """A stable id for a line without one: the same line always hashes the same."""
    key = "\x1f".join((time.isoformat(), room, sender, text))
    return "h" + hashlib.sha256(key.encode("utf-8", errors="surrogatepass")).hexdigest()[:32]


def _parse_time(raw: object, zone: ZoneInfo) -> datetime:
    if not isinstance(raw, str) or not raw.strip():
        raise _LineError("bad_time", repr(raw))
    value = raw.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _LineError("bad_time", raw) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    if not time_in_range(moment):
        raise _LineError("time_out_of_range", raw)
    return moment


def _required_text(item: dict, key: str) -> str:
    value = item.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key != "text":
        value = str(value)
    if not isinstance(value, str) or (key != "text" and not value.strip()):
        raise _LineError("missing_field", key)
    return value.strip() if key != "text" else value


def parse_line(number: int, raw: str, zone: ZoneInfo) -> ReplayLine | BadLine:
    """One export line, or the reason it cannot be imported."""
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as error:
        return BadLine(number, "not_json", str(error.colno), raw)
    except (ValueError, RecursionError) as error:  # a 5000-digit number, deep nesting
        return BadLine(number, "not_json", type(error).__name__, raw)
    if not isinstance(item, dict):
        return BadLine(number, "not_object", raw=raw)
    try:
        time = _parse_time(item.get("time"), zone)
        room = _required_text(item, "room")
        sender = _required_text(item, "sender")
        text = _required_text(item, "text")
    except _LineError as error:
        return BadLine(number, error.reason, error.detail[:200], raw)
    line_id = item.get("id")
    if isinstance(line_id, bool) or (line_id is not None and not isinstance(line_id, (str, int))):
        return BadLine(number, "bad_id", repr(line_id)[:200], raw)
    if isinstance(line_id, int):
        line_id = str(line_id) if abs(line_id) < 10**200 else None  # no id: hash the line
    ident = line_id if line_id else message_id_for(time, room, sender, text)
    return ReplayLine(number, time, clean_id(room), clean_id(sender), text, clean_id(ident))


# How much of a file is read to tell its encoding.
SNIFF_BYTES = 1 << 20


def detect_encoding(path: Path) -> str:
    """'utf-8-sig', 'utf-16' (with a BOM) or 'gb18030'. A file is taken as GB18030 only
    when most of its non-ASCII lines at the start are not UTF-8 but all are GB18030: one
    line pasted from another tool makes a bad line, not a misread file."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.count(b"\x00") > len(head) // 4:  # UTF-16 without a BOM: ASCII has a zero byte
        return "utf-16-le" if head[1::2].count(b"\x00") > head[::2].count(b"\x00") else "utf-16-be"
    lines = head.split(b"\n")
    if len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut in the middle of a character
    utf8 = other = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            try:
                line.decode("gb18030")
            except UnicodeDecodeError:
                return "utf-8-sig"  # neither: report the bad lines as they come
            other += 1
    return "gb18030" if other > utf8 else "utf-8-sig"


def _undecodable(line: str, encoding: str) -> bool:
    if encoding.startswith("utf-16"):
        return "\ufffd" in line
    return any("\udc80" <= char <= "\udcff" for char in line)


def read_export(
    path: Path, zone: ZoneInfo, encoding: str | None = None
) -> Iterator[ReplayLine | BadLine]:
    """Every non-blank line of the file, parsed (a BOM and Windows line ends are fine).

    The encoding is detected unless given; a line that does not decode is a bad line."""
    encoding = encoding or detect_encoding(path)
    errors = "replace" if encoding.startswith("utf-16") else "surrogateescape"
    with path.open(encoding=encoding, errors=errors, newline=None) as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            if _undecodable(raw, encoding):
                shown = raw.encode("utf-8", errors="replace").decode("utf-8", errors="replace")
                yield BadLine(number, "bad_encoding", encoding, shown)
            else:
                yield parse_line(number, raw, zone)


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for raw in handle if raw.strip())


def incoming(line: ReplayLine) -> IncomingMessage:
    """The plain message a replayed line becomes: nobody @-mentions a bot in an export."""
    return IncomingMessage(
        channel=CHANNEL,
        message_id=line.id,
        room=line.room,
        sender=line.sender,
        time=line.time,
        text=line.text,
        mentions_bot=False,
        sender_name=line.sender,
        live=False,
    )


# Lines a transaction: large enough that commits stop dominating, small enough that a kill
# redoes little.
REPLAY_BATCH = 200


def replay(
    path: Path,
    dispatcher: Dispatcher,
    *,
    admit: Callable[[str, str], None] | None = None,
    on_line: Callable[[int], None] | None = None,
    batch_size: int = REPLAY_BATCH,
) -> ReplaySummary:
    """Replay one export file; `on_line(n)` is called after each batch (for a progress bar).

    Lines are handled in order, `batch_size` to a transaction: the file is the durable copy,
    so a replay killed mid-batch loses nothing that the next run does not redo."""
    zone = ZoneInfo(dispatcher.settings.timezone)
    summary = ReplaySummary(encoding=detect_encoding(path))
    batch: list[IncomingMessage] = []
    following: list[Future[list[Reply]]] = []  # slow work the answers announced

    def flush() -> None:
        for outcome in dispatcher.process_batch(batch):
            if outcome.duplicate:
                summary.duplicates += 1
            else:
                summary.messages += 1
                summary.facts_logged += outcome.facts_logged
                summary.statuses[outcome.status] += 1
            summary.record(outcome.replies)
            following.extend(r.follow_up for r in outcome.replies if r.follow_up is not None)
        if on_line is not None:
            on_line(summary.lines)
        batch.clear()

    for item in read_export(path, zone, summary.encoding):
        summary.lines += 1
        if isinstance(item, BadLine):
            summary.bad_lines.append(item)
            continue
        if admit is not None:
            admit(item.room, item.sender)  # e.g. register the export's rooms to a town
        batch.append(incoming(item))
        if len(batch) >= batch_size:
            flush()
    flush()
    for future in following:  # the pictures come with the follow-ups
        try:
            summary.record(future.result())
        except Exception:
            log.exception("background work of a replayed message failed")
    return summary
