"""The topic of a piece of work (民法典, 防汛…) in the report's words, from data/report/topics.yml.

A highlight is composed from facts, not pasted from chat; the topic is the one part of the
message's meaning the facts do not hold, so it is looked up here in a word list rather
than copied from the member's sentence.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

DEFAULT_TOPICS = PROJECT_ROOT / "data" / "report" / "topics.yml"


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], frozenset[str]]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
        raise ValueError(f"{path}: expected a mapping with `topics`")
    topics = tuple((str(name), tuple(map(str, words))) for name, words in data["topics"].items())
    return topics, frozenset(data.get("applies_to") or ())


def topic_of(
    text: str, section: str, labels: tuple[str, ...] = (), path: Path | None = None
) -> str | None:
    """The report's name for what the message's work was about, or None. A topic the work's
    own name already says ("防汛巡查", "森林防火巡查") is not said twice."""
    topics, applies_to = _load(str(path or DEFAULT_TOPICS))
    if section not in applies_to:
        return None
    for name, words in topics:
        if any(word in text for word in words):
            said = any(word in label or name in label for word in words for label in labels)
            return None if said else name
    return None
