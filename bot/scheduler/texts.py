"""The scheduler's wording (data/scheduler.yml) and section titles (nlu.sections)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import yaml

from nlu.sections import short_titles
from taizhang.resources import data_file

TEXTS_FILE = data_file("scheduler.yml")


@lru_cache(maxsize=1)
def templates() -> dict[str, Any]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8")) or {}


def node(key: str) -> Any:
    value: Any = templates()
    for part in key.split("."):
        value = value[part]
    return value


def say(key: str, **values: Any) -> str:
    """The template at a dotted key, filled with `values`."""
    return str(node(key)).format(**values)


def day(value: date) -> str:
    return say("date", month=value.month, day=value.day)


def join(items: list[str]) -> str:
    return say("list_separator").join(items)


def section_titles() -> dict[str, str]:
    """Section id -> short title, in report order (from the taxonomy)."""
    return short_titles()


def section_title(section: str) -> str:
    return section_titles().get(section, section)
