"""The bot's chat wording, loaded once from data/replies.yml, and section titles from the
taxonomy (nlu.sections) — so no user-visible Chinese sits in the code."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import yaml

from nlu.sections import short_titles
from taizhang.resources import data_file

REPLIES_FILE = data_file("replies.yml")


@lru_cache(maxsize=1)
def templates() -> dict[str, Any]:
    return yaml.safe_load(REPLIES_FILE.read_text(encoding="utf-8"))


def text(key: str, **values: Any) -> str:
    """The template at a dotted key ('log.one'), filled with `values`."""
    node: Any = templates()
    for part in key.split("."):
        node = node[part]
    return str(node).format(**values) if values else str(node)


def section_titles() -> dict[str, str]:
    """Section id -> the short Chinese title used in chat, in report order."""
    return short_titles()


def section_title(section: str) -> str:
    return section_titles().get(section, section)


def day(value: date, today: date | None = None) -> str:
    """'5月16日', with the year only when it is not the current one."""
    if today is not None and value.year != today.year:
        return text("date_with_year", year=value.year, month=value.month, day=value.day)
    return text("date", month=value.month, day=value.day)


def join(items: list[str]) -> str:
    return text("list_separator").join(items)
