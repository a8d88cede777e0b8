"""The place words of data/lexicon/places.yml, compiled into the patterns nlu.places reads.

Word knowledge lives in data: a suffix, a guard word, a boundary word or a generic name is
added by editing the YAML (and adding a case), never this module. Only the grammar stays here:
how the lists combine into patterns, and the numeral before a 村民小组 (三组, 第3组). Lists
of words are tried longest first, so their order in the file never changes a reading.
`problems` is what `taizhang lexicon check` reports about the file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlu.cues import Problem, source
from taizhang.resources import data_file

PLACES_FILE = data_file("lexicon", "places.yml")

# The lists of plain words (tried longest first) and the lists that may hold {re: ...}
# fragments (any order: they only ever answer yes or no).
WORD_LISTS = ("boundary_words", "conjunctions")
PATTERN_LISTS = ("generic_names", "generic_endings")
GROUP_WORD_LISTS = ("after_village_number", "before_number", "before_name", "guard_after")
GROUP_PATTERN_LISTS = ("generic",)
KEYS = ("suffixes", "guard_after", *WORD_LISTS, *PATTERN_LISTS, "groups")
GROUP_KEYS = ("word", "max_name", *GROUP_WORD_LISTS, *GROUP_PATTERN_LISTS)
SUFFIX_KEYS = ("max_name", "level", "groups")
LEVELS = (1, 2)  # 2 = village or community, 1 = township or street

# The number of a 村民小组 (三组, 3组, 第三组): numeral grammar, not word knowledge.
_GROUP_NUMBER = r"第?(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_HAN = r"[\u4e00-\u9fff]"


@dataclass(frozen=True)
class Suffix:
    """A word that ends a place name (村, 社区, 镇) and what the name before it may be."""

    max_name: int
    level: int
    groups: bool
    guard: re.Pattern[str] | None  # what right after it makes it a common noun


@dataclass(frozen=True)
class PlaceWords:
    """Everything nlu.places needs, compiled once from one places file."""

    suffix: re.Pattern[str]
    suffixes: dict[str, Suffix]
    boundary: re.Pattern[str]
    conjunctions: frozenset[str]
    generic_name: re.Pattern[str]
    group_after_village: re.Pattern[str]
    standalone_group: re.Pattern[str]
    named_group: re.Pattern[str]
    group_word: str
    generic_group: re.Pattern[str]


def words_source(words: list[str]) -> str:
    """An alternation of plain words, longest first (a longer word wins where both fit)."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def compile_words(data: dict[str, Any]) -> PlaceWords:
    """Build the patterns from a parsed places file (KeyError/ValueError/re.error when it is
    malformed: `problems` says what is wrong in words)."""
    guards = data["guard_after"]
    suffixes = {
        name: Suffix(
            max_name=int(spec["max_name"]),
            level=int(spec["level"]),
            groups=bool(spec["groups"]),
            guard=re.compile(source(guards[name])) if name in guards else None,
        )
        for name, spec in data["suffixes"].items()
    }
    groups = data["groups"]
    word = re.escape(groups["word"])
    not_a_group = rf"(?!{words_source(groups['guard_after'])})"
    before_number = "|".join(f"(?<={re.escape(w)})" for w in groups["before_number"])
    return PlaceWords(
        suffix=re.compile(words_source(list(suffixes))),
        suffixes=suffixes,
        boundary=re.compile(words_source(data["boundary_words"])),
        conjunctions=frozenset(data["conjunctions"]),
        generic_name=re.compile(
            rf"^(?:{source(data['generic_names'])})$|(?:{source(data['generic_endings'])})$"
        ),
        group_after_village=re.compile(
            rf"{_GROUP_NUMBER}(?:{words_source(groups['after_village_number'])}){not_a_group}"
        ),
        standalone_group=re.compile(rf"(?:{before_number}){_GROUP_NUMBER}{word}{not_a_group}"),
        named_group=re.compile(
            rf"(?:{words_source(groups['before_name'])})"
            rf"(?P<name>{_HAN}{{2,{int(groups['max_name'])}}}{word}){not_a_group}"
        ),
        group_word=groups["word"],
        generic_group=re.compile(source(groups["generic"])),
    )


def load(path: Path | None = None) -> PlaceWords:
    """The place words of `path` (the shipped file by default), compiled."""
    path = path or PLACES_FILE
    return compile_words(yaml.safe_load(path.read_text("utf-8")))


@lru_cache(maxsize=1)
def place_words() -> PlaceWords:
    """The shipped place words, compiled once per process."""
    return load(PLACES_FILE)


def problems(path: Path | None = None) -> list[Problem]:
    """What is wrong with a places file (the shipped one by default): missing or unknown keys,
    empty lists, duplicated words, a guard for a word that is not a suffix, suffix numbers out
    of range, conjunctions that are no boundary word, fragments that do not compile."""
    path = path or PLACES_FILE
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        return [("unreadable", path.name, str(error))]
    if not isinstance(data, dict):
        return [("unreadable", path.name, "suffixes:")]
    found = _keys(data, KEYS, "")
    suffixes = data.get("suffixes")
    if isinstance(suffixes, dict) and suffixes:
        found += _suffix_problems(suffixes)
    elif "suffixes" in data:
        found.append(("place_words_empty", "suffixes", ""))
    guards = data.get("guard_after")
    if isinstance(guards, dict):
        known = "、".join(suffixes) if isinstance(suffixes, dict) else ""
        for name, items in guards.items():
            if not isinstance(suffixes, dict) or name not in suffixes:
                found.append(("guard_not_suffix", f"guard_after/{name}", known))
            found += _list_problems(f"guard_after/{name}", items, patterns=True)
    elif "guard_after" in data:
        found.append(("place_words_missing", "guard_after", ""))
    for key in WORD_LISTS + PATTERN_LISTS:
        if key in data:
            found += _list_problems(key, data[key], patterns=key in PATTERN_LISTS)
    boundary = data.get("boundary_words")
    for word in data.get("conjunctions") or []:
        if isinstance(boundary, list) and word not in boundary:
            found.append(("conjunction_not_boundary", "conjunctions", str(word)))
    groups = data.get("groups")
    if isinstance(groups, dict):
        found += _group_problems(groups)
    elif "groups" in data:
        found.append(("place_words_missing", "groups", ""))
    if not found:
        try:
            compile_words(data)
        except (KeyError, TypeError, ValueError, re.error) as error:
            found.append(("bad_pattern", path.name, str(error)))
    return found


def _keys(data: dict[str, Any], required: tuple[str, ...], where: str) -> list[Problem]:
    found = [("place_words_missing", f"{where}{key}", "") for key in required if key not in data]
    found += [("place_key_unknown", f"{where}{key}", "") for key in data if key not in required]
    return found


def _suffix_problems(suffixes: dict[str, Any]) -> list[Problem]:
    found: list[Problem] = []
    for name, spec in suffixes.items():
        where = f"suffixes/{name}"
        if not isinstance(name, str) or not name:
            found.append(("place_words_empty", where, ""))
        if not isinstance(spec, dict):
            found.append(("place_words_missing", where, ""))
            continue
        found += _keys(spec, SUFFIX_KEYS, f"{where}/")
        max_name, level = spec.get("max_name"), spec.get("level")
        if "max_name" in spec and not _positive(max_name):
            found.append(("place_suffix_value", where, f"max_name: {max_name}"))
        if "level" in spec and level not in LEVELS:
            found.append(("place_suffix_value", where, f"level: {level}"))
        if "groups" in spec and not isinstance(spec["groups"], bool):
            found.append(("place_suffix_value", where, f"groups: {spec['groups']}"))
    return found


def _group_problems(groups: dict[str, Any]) -> list[Problem]:
    found = _keys(groups, GROUP_KEYS, "groups/")
    word = groups.get("word")
    if "word" in groups and not (isinstance(word, str) and word):
        found.append(("place_words_empty", "groups/word", ""))
    if "max_name" in groups and not _positive(groups["max_name"]):
        found.append(("place_suffix_value", "groups", f"max_name: {groups['max_name']}"))
    for key in GROUP_WORD_LISTS + GROUP_PATTERN_LISTS:
        if key in groups:
            found += _list_problems(f"groups/{key}", groups[key], key in GROUP_PATTERN_LISTS)
    return found


def _positive(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _list_problems(where: str, items: Any, patterns: bool) -> list[Problem]:
    """An empty list, a duplicated word, an item that is not a word (or, where fragments are
    allowed, not a {re: ...}), and a list that does not compile."""
    if not isinstance(items, list) or not items:
        return [("place_words_empty", where, "")]
    found: list[Problem] = []
    words = [item for item in items if isinstance(item, str)]
    found += [("place_words_empty", where, "") for word in words if not word][:1]
    twice = sorted({word for word in words if words.count(word) > 1})
    found += [("place_word_twice", where, word) for word in twice]
    if not patterns:
        found += [("place_not_a_word", where, str(item)) for item in items if item not in words]
        return found
    try:
        re.compile(source(items))
    except (ValueError, re.error) as error:
        found.append(("bad_pattern", where, str(error)))
    return found
