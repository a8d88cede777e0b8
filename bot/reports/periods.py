"""The plan period and 普法 round in force for a report year, from data/report/periods.yml.

A 2026 report that cites 纲要（2021—2025年） or “八五”普法 as current is wrong on its first
page; the boilerplate takes these names from the year instead of from fixed text. The plans
in 四 are for the next year, which may fall in the next period: its names come too.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

DEFAULT_PERIODS = PROJECT_ROOT / "data" / "report" / "periods.yml"
LISTS = {  # list -> (fallback after the last, fallback before the first)
    "outlines": ("outline_after_last", "outline_before_first"),
    "pufa_rounds": ("pufa_after_last", "pufa_before_first"),
    "congresses": ("congress_otherwise", "congress_otherwise"),
}


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or any(not data.get(name) for name in LISTS):
        raise ValueError(f"{path}: expected lists of {', '.join(LISTS)}")
    return data


def _in_force(year: int, ranges: list[dict[str, Any]], before: dict, after: dict) -> dict:
    for entry in ranges:
        if int(entry["from"]) <= year <= int(entry["to"]):
            return entry
    return before if year < min(int(e["from"]) for e in ranges) else after


def _values(year: int, data: dict[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, (after, before) in LISTS.items():
        entry = _in_force(year, data[name], data[before], data[after])
        values.update({k: str(v) for k, v in entry.items() if k not in ("from", "to")})
    return values


def period_values(year: int, path: Path | None = None) -> dict[str, str]:
    """{outline, pufa_round, pufa_plan, congress_spirit} for the report year, and the same
    for the year after as next_outline, next_pufa_round, next_pufa_plan."""
    data = _load(str(path or DEFAULT_PERIODS))
    values = _values(year, data)
    following = _values(year + 1, data)
    values.update({f"next_{k}": following[k] for k in ("outline", "pufa_round", "pufa_plan")})
    return values
