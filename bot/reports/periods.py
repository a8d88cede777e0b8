"""The plan period and 普法 round in force for a report year, from data/report/periods.yml.

A 2026 report that cites 纲要（2021—2025年） as current is wrong on its first page; the
boilerplate takes these names from the year instead of from fixed text.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

DEFAULT_PERIODS = PROJECT_ROOT / "data" / "report" / "periods.yml"


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not data.get("periods"):
        raise ValueError(f"{path}: expected a mapping with a list of periods")
    return data


def _in_force(year: int, ranges: list[dict[str, Any]], before: dict, after: dict) -> dict:
    for entry in ranges:
        if int(entry["from"]) <= year <= int(entry["to"]):
            return entry
    return before if year < min(int(e["from"]) for e in ranges) else after


def period_values(year: int, path: Path | None = None) -> dict[str, str]:
    """{outline, pufa_round, pufa_plan, congress_spirit} for the report year."""
    data = _load(str(path or DEFAULT_PERIODS))
    plan = _in_force(year, data["periods"], data["before_first"], data["after_last"])
    congress = _in_force(
        year, data["congresses"], data["congress_otherwise"], data["congress_otherwise"]
    )
    values = {k: str(plan[k]) for k in ("outline", "pufa_round", "pufa_plan")}
    values["congress_spirit"] = str(congress["congress_spirit"])
    return values
