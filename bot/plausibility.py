"""Values a township cannot have reported are asked about, never logged.

The parser reads numbers and dates as generously as people write them; this module is the
bot's check on what it read, before anything reaches the ledger: values above a per-unit
limit (data/plausibility.yml), numbers written with a sign or an exponent, template-like
markup, dates that do not exist (2月30日, 13月1日, 2024-13-45), and fact dates far in the
future or long past. Each finding names a key of `implausible` in data/replies.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

import yaml

from bot.storage.units import normalise, to_decimal, unit_kind
from nlu.result import ParseResult
from taizhang.resources import data_file

LIMITS_FILE = data_file("plausibility.yml")

_DIGIT = "0-9０-９"
# A minus sign not joining two numbers or two dates ("2024-05-16", "16日-17日").
_SIGNED = re.compile(rf"(?:(?<![{_DIGIT}A-Za-z.年月日号时点分])[-−－﹣]|负)\s*[{_DIGIT}]")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_EXPONENT = re.compile(rf"[{_DIGIT}]\s*[eE]\s*[-+]?\s*[{_DIGIT}]")
_TEMPLATE = re.compile(r"\{\{|\}\}|\$\{|\{%|%\}|<%|%>")
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_NUM = rf"[{_DIGIT}]{{1,2}}|[一二三四五六七八九十]{{1,3}}"
_MONTH_DAY = re.compile(
    rf"(?:(?<![{_DIGIT}])([{_DIGIT}]{{4}})\s*年\s*)?(?<![{_DIGIT}])({_NUM})\s*月\s*({_NUM})\s*[日号]"
)
_MONTH_ONLY = re.compile(rf"(?<![{_DIGIT}])([{_DIGIT}]{{1,2}})\s*月(?!\s*[{_DIGIT}])")
_ISO_DATE = re.compile(
    rf"(?<![{_DIGIT}])([{_DIGIT}]{{4}})[-/.]([{_DIGIT}]{{1,2}})[-/.]([{_DIGIT}]{{1,2}})(?![{_DIGIT}])"
)


@dataclass(frozen=True)
class Finding:
    """Why a message is not logged: `key` in implausible.*, `detail` what was seen."""

    key: str
    detail: str


@lru_cache(maxsize=1)
def limits() -> dict[str, Any]:
    return yaml.safe_load(LIMITS_FILE.read_text(encoding="utf-8")) or {}


def year_to_date_thresholds() -> tuple[int, Decimal]:
    """(fewest earlier records, how many times the largest of them) beyond which a new figure
    that reaches the year's sum so far reads like a quoted running total (bot.storage.outsized)."""
    table = limits().get("year_to_date") or {}
    return int(table.get("min_records", 5)), Decimal(str(table.get("over_largest", 2)))


def limit_for(unit: str) -> Decimal:
    table = limits()
    if unit in (table.get("units") or {}):
        return Decimal(str(table["units"][unit]))
    kind = unit_kind(unit)
    return Decimal(str((table.get("kinds") or {}).get(kind, table.get("default", 10**7))))


def _number(raw: str) -> int | None:
    """A 1-2 digit number or a small Chinese numeral (一 .. 三十九); None if neither."""
    raw = raw.translate(_FULL_WIDTH)
    if raw.isdigit():
        return int(raw)
    if "十" in raw:
        tens, _, ones = raw.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        high = _CN_DIGITS.get(tens, 1) if tens else 1
        low = _CN_DIGITS.get(ones, 0) if ones else 0
        return high * 10 + low
    return _CN_DIGITS.get(raw) if len(raw) == 1 else None


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if month is None or day is None:
        return True  # not a numeral we read: leave it to the parser
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def impossible_date(text: str, today: date) -> str | None:
    """The first date written in `text` that does not exist, as written."""
    for match in _MONTH_DAY.finditer(text):
        year = int(match.group(1).translate(_FULL_WIDTH)) if match.group(1) else today.year
        if not _valid(year, _number(match.group(2)), _number(match.group(3))):
            return match.group(0)
    for match in _ISO_DATE.finditer(text):
        year, month, day = (int(g.translate(_FULL_WIDTH)) for g in match.groups())
        if not _valid(year, month, day):
            return match.group(0)
    for match in _MONTH_ONLY.finditer(text):
        if not 1 <= int(match.group(1)) <= 12:
            return match.group(0)
    return None


def _written(text: str) -> Finding | None:
    """Problems in how the numbers are written."""
    for pattern, key in ((_TEMPLATE, "template"), (_EXPONENT, "odd_number"), (_SIGNED, "negative")):
        match = pattern.search(text)
        if match:
            return Finding(key, match.group(0).strip())
    return None


def _values(result: ParseResult) -> list[tuple[Decimal, str]]:
    values = [(to_decimal(f.value), f.unit) for f in result.work]
    correction = result.correction
    if correction is not None and correction.value is not None:
        values.append((to_decimal(correction.value), correction.unit or ""))
    return values


def _shown(value: Decimal, width: int = 16) -> str:
    """A value as written, cut when it is absurdly long (a 309-digit number)."""
    shown = format(value.normalize(), "f")
    return shown if len(shown) <= width else shown[:width] + "…"


def check(text: str, result: ParseResult, today: date) -> Finding | None:
    """Why the facts or the correction read from `text` must not be logged, or None."""
    written = _written(text)
    if written is not None:
        return written
    bad_date = impossible_date(text, today)
    if bad_date is not None:
        return Finding("bad_date", bad_date)
    for value, unit in _values(result):
        if value < 0:
            return Finding("negative", _shown(value) + unit)
        try:
            summed, _ = normalise(value, unit)
        except ArithmeticError:
            return Finding("too_large", f"{value}{unit}")
        if summed > limit_for(unit):
            return Finding("too_large", _shown(value) + unit)
    table = limits()
    latest = today + timedelta(days=int(table.get("future_days", 7)))
    earliest = int(table.get("earliest_year", 2000))
    for fact in result.work:
        if fact.date > latest:
            return Finding("future_date", fact.date.isoformat())
        if fact.date.year < earliest:
            return Finding("old_date", fact.date.isoformat())
    return None
