"""Whether a message is a yes or a no to the bot's question (words in data/answers.yml)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

import yaml

from taizhang.resources import data_file

Answer = Literal["yes", "no"]
_MENTION = re.compile(r"@\S+")
ANSWERS_FILE = data_file("answers.yml")


@lru_cache(maxsize=1)
def _words() -> dict[str, Answer]:
    data = yaml.safe_load(ANSWERS_FILE.read_text("utf-8"))
    words: dict[str, Answer] = {}
    for key, kind in (("confirm", "yes"), ("decline", "no")):
        for word in data.get(key) or []:
            words[_bare(str(word))] = kind
    return words


def _bare(text: str) -> str:
    """The words only: no @mentions, spaces, punctuation; emoji answers (👍) kept when alone."""
    text = _MENTION.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")
    return kept or "".join(ch for ch in text if not ch.isspace())


def answer_kind(text: str) -> Answer | None:
    """ "yes" for 是/对/记吧 …, "no" for 不是/不用记 …, None for anything else."""
    if len(text) > 40:
        return None
    return _words().get(_bare(text))
