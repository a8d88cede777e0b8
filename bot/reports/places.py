"""Which place a dated example names, from the places the parser read (data/report/places.yml).

The parser sometimes takes stray words of the sentence into a place ("件北营村", "周二许良村",
"其余村"). A report names a village only as the town writes it: a place the year names in
several messages, with the words of time in front taken off and a stray head dropped when
the rest is such a place ("另兴隆村" -> 兴隆村). Anything else is not cited rather than guessed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.reports.chat_words import is_chatty
from bot.settings import PROJECT_ROOT

DEFAULT_PLACES = PROJECT_ROOT / "data" / "report" / "places.yml"


@lru_cache(maxsize=4)
def _rules(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or "min_messages" not in data:
        raise ValueError(f"{path}: expected a mapping with `min_messages`")
    return {
        "min_messages": int(data["min_messages"]),
        # longest first, so 星期一 goes before 星期 would (and 上个月 before 上月)
        "time_heads": tuple(sorted(map(str, data.get("time_heads") or ()), key=len, reverse=True)),
        "name_heads": frozenset(map(str, data.get("name_heads") or ())),
        "generic": frozenset(map(str, data.get("generic") or ())),
    }


def _without_time(place: str, heads: tuple[str, ...]) -> str:
    """ "周二许良村" -> "许良村", "上周北营村" -> "北营村" (heads taken off while they lead)."""
    changed = True
    while changed:
        changed = False
        for head in heads:
            if place.startswith(head) and len(place) > len(head) + 1:
                place, changed = place[len(head) :], True
                break
    return place


def cited_places(
    places: Iterable[tuple[str, str]], path: Path | None = None
) -> dict[str, str | None]:
    """For every place the parser read, the place a report names (None: not cited).

    `places` are (place, message text) pairs of the year's facts: a place counts once per
    message that names it."""
    rules = _rules(str(path or DEFAULT_PLACES))
    pairs = {(place, text) for place, text in places if place}
    bare = {place: _without_time(place, rules["time_heads"]) for place, _ in pairs}
    counts = Counter(bare[place] for place, _ in pairs)
    known = {
        name
        for name, n in counts.items()
        if n >= rules["min_messages"] and name not in rules["generic"] and not is_chatty(name)
    }

    def cited(place: str) -> str | None:
        name = bare[place]
        # "件北营村", "另外大溪村": a known place behind a stray head is that place
        for other in sorted(known, key=len, reverse=True):
            head = name[: -len(other)]
            if other != name and name.endswith(other) and head[0] not in rules["name_heads"]:
                return other
        return name if name in known else None

    return {place: cited(place) for place in bare}
