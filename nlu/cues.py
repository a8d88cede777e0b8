"""Cue words the parser reads besides the activity lexicon, from data/lexicon/cues.yml.

Word knowledge lives in data: adding a word to a cue means editing the YAML (and adding a
case), never this module. A cue is a list of alternatives in order; a plain string is a word,
`{re: ...}` a regular-expression fragment for a word with a condition around it."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from taizhang.resources import data_file

CUES_FILE = data_file("lexicon", "cues.yml")
# Every cue the parser reads; `taizhang lexicon check` reports any missing or unknown one.
REQUIRED = (
    "past", "future", "plan", "record_reference", "request", "question", "progress",
    "period_year", "period_quarter", "period_month", "period_week", "uncovered", "retract",
    "correction", "report", "help", "greet", "thanks", "ack", "meeting", "forward",
    "person_words", "helping_verb", "ordinal_event", "filler", "not_an_amount",
    "incident_after_yiqi", "incident_before_yiqi", "settled_before_yiqi", "id_context", "duration",
    "head_count", "money_before", "each_determiner", "names_last_record", "another_time",
)  # fmt: skip


def _alternative(item: Any) -> str:
    if isinstance(item, str):
        return re.escape(item)
    if isinstance(item, dict) and set(item) == {"re"} and isinstance(item["re"], str):
        return item["re"]
    raise ValueError(f"not a word or {{re: ...}}: {item!r}")


def source(items: list[Any]) -> str:
    """The regular expression of one cue: its alternatives joined in order."""
    return "|".join(_alternative(item) for item in items)


@lru_cache(maxsize=1)
def _cues() -> dict[str, list[Any]]:
    return yaml.safe_load(CUES_FILE.read_text("utf-8"))["cues"]


def cue_source(name: str) -> str:
    return source(_cues()[name])


def cue(name: str) -> re.Pattern[str]:
    """The compiled cue `name` (a KeyError names a cue missing from the data)."""
    return re.compile(cue_source(name))


Problem = tuple[str, str, str]  # what is wrong (a key), where, detail


def problems(path: Path | None = None) -> list[Problem]:
    """What is wrong with a cues file (the shipped one by default): missing or unknown cues,
    empty ones, duplicated words, fragments that do not compile."""
    path = path or CUES_FILE
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        return [("unreadable", path.name, str(error))]
    cues = data.get("cues") if isinstance(data, dict) else None
    if not isinstance(cues, dict):
        return [("unreadable", path.name, "cues:")]
    found = [("cue_missing", name, "") for name in REQUIRED if name not in cues]
    found += [("cue_unknown", name, "") for name in cues if name not in REQUIRED]
    for name, items in cues.items():
        if not isinstance(items, list) or not items:
            found.append(("cue_empty", name, ""))
            continue
        words = [item for item in items if isinstance(item, str)]
        twice = sorted({word for word in words if words.count(word) > 1})
        found += [("word_twice", name, word) for word in twice]
        try:
            re.compile(source(items))
        except (ValueError, re.error) as error:
            found.append(("bad_pattern", name, str(error)))
    return found
