"""The bot's own @-mention in a chat line: every channel where people type "@法治台账 …" hands
the dispatcher the text without it (the command readers, such as binding a group, read the
text as it is)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# "@法治台账" followed by WeChat's mention separator (U+2005), a space, or the end.
_AT = "[@＠]"
_MENTION_END = r"(?:[\u2005 ]|$)"


def bot_mention_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """A regex matching an @-mention of any of `names`, or None when there is no name."""
    alternatives = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not alternatives:
        return None
    body = "|".join(re.escape(n) for n in alternatives)
    return re.compile(f"{_AT}(?:{body}){_MENTION_END}")


def strip_bot_mention(text: str, pattern: re.Pattern[str] | None) -> tuple[str, bool]:
    """Remove the bot's own @-mentions; returns the cleaned text and whether one was found."""
    if pattern is None:
        return text.strip(), False
    cleaned, count = pattern.subn(" ", text)
    cleaned = re.sub(r"[ \u2005]{2,}", " ", cleaned).strip()
    return cleaned, count > 0
