"""`taizhang lexicon check`: the word knowledge in data/ is consistent before a model is
trained on it. Checks the cue words (data/lexicon/cues.yml) and the activity lexicon
(data/sections.yml): the twelve sections, units the number reader knows, patterns and frames
that compile, and no phrase claimed by two activities of different sections; the activity
catalogue (data/lexicon/activities.yml, nlu.catalogue); the date words
(data/lexicon/dates.yml): holidays the calendar knows, no empty or duplicated word lists; the
place words (data/lexicon/places.yml, nlu.place_words); the characters that make a unit
part of another word (data/units.yml `not_before`); and the follow-up words
(data/lexicon/follow_up.yml, nlu.follow_up)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import yaml

from nlu import cues, follow_up
from nlu.catalogue import catalogue_problems
from nlu.dates import DATE_WORDS_FILE
from nlu.numbers import UNITS_FILE, unit_kind
from nlu.place_words import problems as place_word_problems
from nlu.sections import SECTIONS_FILE

SECTION_IDS = (
    "study", "leadership", "functions", "rules", "decisions", "enforcement", "emergency",
    "disputes", "oversight", "digital", "publicity", "legal_services",
)  # fmt: skip


def section_problems(path: Path = SECTIONS_FILE) -> list[cues.Problem]:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        return [("unreadable", path.name, str(error))]
    found: list[cues.Problem] = []
    specs = data.get("sections") or []
    ids = [spec.get("id") for spec in specs]
    found += [("section_missing", sid, "") for sid in SECTION_IDS if sid not in ids]
    found += [("section_unknown", str(sid), "") for sid in ids if sid not in SECTION_IDS]
    owners: dict[str, set[str]] = defaultdict(set)
    for spec in specs:
        for activity in spec.get("activities") or []:
            where = f"{spec.get('id')}/{activity.get('name')}"
            units = activity.get("units") or []
            if not units or not activity.get("patterns"):
                found.append(("activity_incomplete", where, ""))
            found += [("unit_unknown", where, unit) for unit in units if unit_kind(unit) is None]
            if activity.get("default_unit") not in units:
                found.append(("default_unit", where, str(activity.get("default_unit"))))
            for frame in activity.get("frames") or []:
                try:
                    re.compile(frame)
                except re.error as error:
                    found.append(("bad_pattern", where, f"{frame}: {error}"))
            for pattern in activity.get("patterns") or []:
                owners[pattern].add(str(spec.get("id")))
    found += [
        ("phrase_two_sections", phrase, "、".join(sorted(sections)))
        for phrase, sections in sorted(owners.items())
        if len(sections) > 1
    ]
    return found


DATE_WORD_LISTS = (
    "holiday_period", "recent_holiday", "weekend", "last_weekend", "last_month", "range_joiners",
    "not_day_after", "day_parts",
)  # fmt: skip


def date_word_problems(path: Path = DATE_WORDS_FILE) -> list[cues.Problem]:
    """Holiday names chinese_calendar does not know, missing or empty word lists, duplicates."""
    import chinese_calendar

    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        return [("unreadable", path.name, str(error))]
    found: list[cues.Problem] = []
    known = {holiday.value for holiday in chinese_calendar.Holiday}
    holidays = data.get("holidays") or {}
    if not holidays:
        found.append(("date_words_missing", "holidays", ""))
    for name, words in holidays.items():
        if name not in known:
            found.append(("holiday_unknown", str(name), "、".join(sorted(known))))
        if not words or not all(isinstance(w, str) and w for w in words):
            found.append(("date_words_empty", f"holidays/{name}", ""))
    lists = {key: data.get(key) for key in DATE_WORD_LISTS}
    lists.update({f"holidays/{name}": words for name, words in holidays.items()})
    for key, words in lists.items():
        if not words or not isinstance(words, list):
            found.append(("date_words_missing", key, ""))
            continue
        twice = sorted({w for w in words if words.count(w) > 1})
        found += [("date_word_twice", key, w) for w in twice]
    relative = data.get("relative_days")
    if not isinstance(relative, dict) or not relative:
        found.append(("date_words_missing", "relative_days", ""))
        relative = {}
    seen: set[str] = set()
    for offset, words in relative.items():
        key = f"relative_days/{offset}"
        if not isinstance(offset, int) or not words or not isinstance(words, list):
            found.append(("date_words_empty", key, ""))
            continue
        found += [("date_word_twice", key, w) for w in words if w in seen]
        seen.update(words)
    days = data.get("recent_holiday_days")
    if not isinstance(days, int) or days < 1:
        found.append(("date_words_missing", "recent_holiday_days", str(days)))
    return found


def unit_word_problems(path: Path = UNITS_FILE) -> list[cues.Problem]:
    """Units whose `not_before` (the characters that make a unit part of another word: 期间,
    台账) is not a non-empty string of characters, or names a character twice."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        return [("unreadable", path.name, str(error))]
    found: list[cues.Problem] = []
    for name, spec in ((data or {}).get("units") or {}).items():
        if not isinstance(spec, dict) or "not_before" not in spec:
            continue
        guard = spec["not_before"]
        if not isinstance(guard, str) or not guard:
            found.append(("unit_guard_bad", str(name), str(guard)))
            continue
        found += [
            ("unit_guard_twice", str(name), ch) for ch in sorted(set(guard)) if guard.count(ch) > 1
        ]
    return found


def problems() -> list[cues.Problem]:
    """Everything wrong with the lexicon, empty when it is consistent."""
    return (
        cues.problems()
        + section_problems()
        + catalogue_problems(sections=SECTION_IDS)
        + date_word_problems()
        + place_word_problems()
        + unit_word_problems()
        + follow_up.problems()
    )
