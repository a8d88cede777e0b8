"""Words of group chat that a report never says, from data/report/chat_words.yml.

A draft is composed from ledger facts, so chat words reach it only through what the parser
read from a message: a place ("来了四十来个人的村") or a made-up activity name. Those are
checked here before they are stated; the tests scan whole drafts for the same list.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

DEFAULT_CHAT_WORDS = PROJECT_ROOT / "data" / "report" / "chat_words.yml"


@lru_cache(maxsize=4)
def chat_words(path: Path = DEFAULT_CHAT_WORDS) -> tuple[str, ...]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("words"), list):
        raise ValueError(f"{path}: expected a mapping with a list of `words`")
    return tuple(str(word) for word in data["words"] if str(word))


def _emoji(char: str) -> bool:
    """Pictographs and their modifiers (😊🎉✅): chat, never report text."""
    code = ord(char)
    return 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or code in (0xFE0F, 0x200D)


def chat_words_in(text: str) -> list[str]:
    """The chat words (and emoji) `text` holds, in list order; [] for report language."""
    found = [word for word in chat_words() if word in text]
    return found + sorted({char for char in text if _emoji(char)})


def is_chatty(text: str | None) -> bool:
    return bool(text) and bool(chat_words_in(text))
