"""Find explicitly named places (白岩村, 阳光社区, 青山镇, 白岩村三组) in chat text.

Chinese has no spaces, so a name's left edge is guessed: take the Han characters before the
suffix, then cut after the last locator/verb word (在/到/深入/组织…) as long as at least two
characters remain. Generic words (村里, 各村, 全村, 村民, 乡镇, 进村, 示范村) are never places.
The words themselves (suffixes, guards, boundary words, generic names, 村民小组 words) are data:
data/lexicon/places.yml, compiled by nlu.place_words; this module is only the reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.numbers import normalize_width
from nlu.place_words import PlaceWords, place_words


@dataclass(frozen=True)
class PlaceMention:
    """A named place. `level`: 2 = village/community (most specific), 1 = township/street."""

    start: int
    end: int
    name: str
    level: int = 2


_HAN = re.compile(r"[\u4e00-\u9fff]")
_MIN_NAME = 2  # a place name has at least two characters before its suffix
# 《桃源镇农村人居环境整治奖惩办法》: a name inside a document title is not where work happened
_TITLE = re.compile(r"《[^《》]*》")


def find_places(text: str, words: PlaceWords | None = None) -> list[PlaceMention]:
    """Every named place in `text`, left to right (nlu.facts.extract reports a failure here:
    the message then goes to review). `words`: the place words to read with, by default the
    shipped data/lexicon/places.yml."""
    return _find_places(text, words or place_words())


def _name_start(norm: str, suffix_start: int, max_len: int, words: PlaceWords) -> int | None:
    """Where the place name before `suffix_start` begins, or None when there is no name."""
    begin = suffix_start
    # Look two characters further than a name can be, so a verb just before it (讨论王家坝子村)
    # falls inside the window and marks the name's left edge.
    while begin > 0 and suffix_start - begin < max_len + 2 and _HAN.match(norm[begin - 1]):
        begin -= 1
    run = norm[begin:suffix_start]
    if len(run) < _MIN_NAME:
        return None
    cut = 0
    for i in range(len(run)):
        boundary = words.boundary.match(run, i)
        if boundary is None:
            continue
        if boundary.end() == len(run):
            if boundary.group() in words.conjunctions:
                continue  # 中和社区, 永和村: a conjunction character inside a name
            return None  # 进村, 下乡, 各村, 组织镇…: the suffix is a common noun here
        if len(run) - boundary.end() >= _MIN_NAME:
            cut = max(cut, boundary.end())
    cut = max(cut, len(run) - max_len)
    name = run[cut:]
    if len(name) < _MIN_NAME or words.generic_name.search(name):
        return None
    return begin + cut


def _find_places(text: str, words: PlaceWords) -> list[PlaceMention]:
    if not text or not isinstance(text, str):
        return []
    norm = normalize_width(text)
    found: list[PlaceMention] = []
    for match in words.suffix.finditer(norm):
        suffix = words.suffixes[match.group()]
        if suffix.guard is not None and suffix.guard.match(norm, match.end()):
            continue
        start = _name_start(norm, match.start(), suffix.max_name, words)
        if start is None:
            continue
        end = match.end()
        if suffix.groups:
            group = words.group_after_village.match(norm, end)
            if group:
                end = group.end()
        if found and start < found[-1].end:
            continue
        found.append(PlaceMention(start, end, text[start:end], suffix.level))
    for group in words.standalone_group.finditer(norm):
        if not any(p.start <= group.start() < p.end for p in found):
            found.append(
                PlaceMention(group.start(), group.end(), text[group.start() : group.end()])
            )
    for named in words.named_group.finditer(norm):
        start, end = named.span("name")
        if words.generic_group.search(named.group("name")[: -len(words.group_word)]):
            continue
        if not any(p.start < end and start < p.end for p in found):
            found.append(PlaceMention(start, end, text[start:end]))
    titles = [m.span() for m in _TITLE.finditer(norm)]
    if titles:
        found = [p for p in found if not any(a < p.start < b for a, b in titles)]
    found.sort(key=lambda p: p.start)
    return found
