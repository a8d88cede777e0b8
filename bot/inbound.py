"""What any channel hands in is made storable before it reaches the ledger.

Nothing a single message contains may stop the others: a NUL character (PostgreSQL refuses
it in text), a lone surrogate (no UTF-8 encoding exists for it), an id longer than its
column. Texts keep everything else exactly as written; ids and names that do not fit are
replaced by a stable hash (the same input always gives the same id, so re-imports still
deduplicate) and names are cut. Separately, `for_parsing` removes the invisible and
bidirectional-control characters that would otherwise split "12" into 1 and 2; the stored
text keeps them, so the ledger shows what was really sent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import datetime, timezone

from bot.message import IncomingMessage

# Column widths in bot/storage/models.py.
MAX_ID_CHARS = 200
MAX_NAME_CHARS = 100

# The earliest and latest message time accepted: outside it a time is a typo or an attack
# (year 1 with a +14:00 offset cannot even be converted to UTC).
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Zero-width characters, bidi embeddings/overrides/isolates, the soft hyphen, the BOM and
# the word joiners: invisible, and never part of a number or a word.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Other control characters (C0/C1) except tab and newlines.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str | None) -> str:
    """`text` as PostgreSQL and SQLite can store it: NUL and other controls (except tab and
    line ends) removed, lone surrogates replaced by U+FFFD."""
    if not text:
        return ""
    text = _CONTROL.sub("", text)
    return _LONE_SURROGATE.sub("\ufffd", text)


def _digest(raw: str) -> str:
    data = raw.encode("utf-8", errors="surrogatepass")
    return "h" + hashlib.sha256(data).hexdigest()[:32]


def clean_id(raw: str) -> str:
    """A channel id that fits its column: unchanged when it is clean and short enough,
    otherwise a stable hash of the original."""
    if len(raw) <= MAX_ID_CHARS and raw == clean_text(raw) and raw.strip():
        return raw
    return _digest(raw)


def clean_name(raw: str | None, limit: int = MAX_NAME_CHARS) -> str | None:
    """A display name or topic, cleaned and cut to its column."""
    if raw is None:
        return None
    return clean_text(raw)[:limit]


def time_in_range(moment: datetime) -> bool:
    """Whether a message time is plausible and can be stored (aware datetimes only)."""
    try:
        return EARLIEST <= moment.astimezone(timezone.utc) < LATEST
    except (OverflowError, ValueError):
        return False


def clean_incoming(msg: IncomingMessage) -> IncomingMessage:
    """The message with every field storable; an already clean message is returned as is."""
    cleaned = dataclasses.replace(
        msg,
        message_id=clean_id(str(msg.message_id)),
        room=clean_id(msg.room) if msg.room is not None else None,
        sender=clean_id(str(msg.sender)),
        text=clean_text(msg.text),
        sender_name=clean_name(msg.sender_name),
        room_topic=clean_name(msg.room_topic, MAX_ID_CHARS),
        room_owner=clean_id(msg.room_owner) if msg.room_owner else None,
        mentioned=tuple((clean_id(i), clean_name(n) or "") for i, n in msg.mentioned),
    )
    return msg if cleaned == msg else cleaned


def for_parsing(text: str) -> str:
    """The text the parser sees: invisible and bidi-control characters removed."""
    return _INVISIBLE.sub("", text)


def has_hidden_characters(text: str) -> bool:
    return bool(_INVISIBLE.search(text))
