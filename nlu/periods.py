"""The stretch of days a question is about: 上个月, 10月份, 第三季度, 12月1日到15日, 去年…

The one period reader of the project: the parser's Query takes the contract's coarse kind of
the period (`Period.coarse`: year / quarter / month / week, or None for a day, a half-year or a
stretch of days) with the exact range, and the answer (actions/question.py) uses that range.

Questions are about the past, so a month, quarter or day without a year that has not begun
yet this year means last year's ("12月份" asked in January). The words live in
data/query.yml; the shapes (a month number, a quarter number, a range of days) live here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import yaml

from nlu.numbers import normalize_width, parse_chinese_numeral
from taizhang.resources import data_file

QUERY_FILE = data_file("query.yml")
_SPACE = re.compile(r"\s+")
_NUM = r"(?:\d{1,4}|[一二三四五六七八九十两〇零]{1,3})"


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """data/query.yml, loaded once."""
    return yaml.safe_load(QUERY_FILE.read_text(encoding="utf-8"))


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Period:
    """An inclusive range of days and how a reply names it."""

    start: date
    end: date
    label: str
    kind: str  # a key of data/query.yml periods, or month / quarter / year / days
    # The contract's period (year / quarter / month / week) the question names, or None
    coarse: str | None = None


def _coarse(kind: str) -> str | None:
    return vocabulary()["contract_periods"].get(kind)


def _period(start: date, end: date, label: str, kind: str, coarse: str | None = None) -> Period:
    return Period(start, end, label, kind, coarse if coarse is not None else _coarse(kind))


def _number(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    value = parse_chinese_numeral(text)
    return int(value) if value is not None and float(value).is_integer() else None


def _label(kind: str, **values: Any) -> str:
    return str(vocabulary()["period_labels"][kind]).format(**values)


def _month_range(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return start, following - timedelta(days=1)


def _quarter_range(year: int, quarter: int) -> tuple[date, date]:
    start, _ = _month_range(year, 3 * quarter - 2)
    _, end = _month_range(year, 3 * quarter)
    return start, end


def _named(kind: str, today: date) -> tuple[date, date]:
    """The range of a relative period word's kind."""
    monday = today - timedelta(days=today.weekday())
    quarter = (today.month - 1) // 3 + 1
    ranges = {
        "today": lambda: (today, today),
        "yesterday": lambda: (today - timedelta(days=1),) * 2,
        "day_before_yesterday": lambda: (today - timedelta(days=2),) * 2,
        "this_week": lambda: (monday, monday + timedelta(days=6)),
        "last_week": lambda: (monday - timedelta(days=7), monday - timedelta(days=1)),
        "this_month": lambda: _month_range(today.year, today.month),
        "last_month": lambda: _month_range(*_previous_month(today)),
        "this_quarter": lambda: _quarter_range(today.year, quarter),
        "last_quarter": lambda: (
            _quarter_range(today.year, quarter - 1)
            if quarter > 1
            else _quarter_range(today.year - 1, 4)
        ),
        "first_half": lambda: (date(today.year, 1, 1), date(today.year, 6, 30)),
        "second_half": lambda: (date(today.year, 7, 1), date(today.year, 12, 31)),
        "this_year": lambda: (date(today.year, 1, 1), date(today.year, 12, 31)),
        "last_year": lambda: (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    }
    return ranges[kind]()


def _previous_month(today: date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    words = vocabulary()
    last_year = _alternation(words["last_year_prefixes"])
    year = rf"(?:(?P<ly>{last_year})|(?P<year>\d{{4}})年)?"
    dash = _alternation(words["range_words"])
    day = rf"(?P<m1>{_NUM})月(?P<d1>{_NUM})[日号]?"
    return {
        "days": re.compile(
            rf"{year}{day}(?:\s*(?:{dash})\s*(?:(?P<m2>{_NUM})月)?(?P<d2>{_NUM})[日号]?)?"
        ),
        "quarter": re.compile(
            rf"{year}(?:(?:{_alternation(words['quarter_prefixes'])})?(?P<q>[1-4一二三四])"
            rf"(?:{_alternation(words['quarter_words'])})|[Qq](?P<qq>[1-4]))"
        ),
        "month": re.compile(
            rf"{year}(?P<m>{_NUM})(?:{_alternation(words['month_suffixes'])})(?![\d一二三四五六七八九十]*[日号])"
        ),
        "year": re.compile(r"(?P<year>20\d\d)\s*年(?!\d{1,2}月|[一二三四五六七八九十]{1,2}月)"),
        "named": re.compile(
            "|".join(
                f"(?P<{kind}>{_alternation(names)})" for kind, names in words["periods"].items()
            )
        ),
    }


def _year_of(match: re.Match[str], today: date, month: int, day: int = 1) -> int:
    """The year a month (and day) without a year refers to: this one, unless still ahead."""
    if match.group("year"):
        return int(match.group("year"))
    if match.group("ly"):
        return today.year - 1
    return today.year if (month, day) <= (today.month, today.day) else today.year - 1


def _days(match: re.Match[str], today: date) -> Period | None:
    m1, d1 = _number(match.group("m1")), _number(match.group("d1"))
    m2 = _number(match.group("m2")) or m1
    d2 = _number(match.group("d2")) or d1
    if not (m1 and d1 and m2 and d2) or not (1 <= m1 <= 12 and 1 <= m2 <= 12):
        return None
    year = _year_of(match, today, m1, d1)
    try:
        start, end = date(year, m1, d1), date(year + (m2 < m1), m2, d2)
    except ValueError:
        return None
    if end < start:
        return None
    return _period(start, end, _label("days"), "days")


def _quarter(match: re.Match[str], today: date) -> Period:
    quarter = _number(match.group("q") or match.group("qq")) or 1
    year = _year_of(match, today, 3 * quarter - 2)
    start, end = _quarter_range(year, quarter)
    label = _label("quarter", quarter=vocabulary()["quarter_names"][quarter - 1])
    if year != today.year:
        label = _label("year", year=year) + label
    return _period(start, end, label, "quarter")


def _month(match: re.Match[str], today: date) -> Period | None:
    month = _number(match.group("m"))
    if month is None or not 1 <= month <= 12:
        return None
    year = _year_of(match, today, month)
    start, end = _month_range(year, month)
    label = _label("month", month=month)
    if year != today.year:
        label = _label("year", year=year) + label
    return _period(start, end, label, "month")


def _since(period: Period, rest: str, today: date) -> Period:
    """ "10月份以来", "5月16日至今": from the period's start up to today (named by the
    period it starts from: "1月份到现在" is a month's question to the contract)."""
    if any(rest.startswith(word) for word in vocabulary()["since_words"]) and period.start <= today:
        return _period(period.start, today, _label("days"), "days", period.coarse)
    return period


def _named_kind(norm: str, today: date) -> str | None:
    """The relative period word asked about: the narrowest one named ("今年上半年" is the first
    half, "今年本月" this month), leaving out a day that only closes the stretch ("截至今天全年…":
    全年 is asked) unless nothing else is named."""
    found = [m for m in _patterns()["named"].finditer(norm) if m.lastgroup]
    until = tuple(vocabulary()["until_words"])
    asked = [m for m in found if not norm[: m.start()].endswith(until)] or found
    if not asked:
        return None

    def width(match: re.Match[str]) -> tuple[int, int]:
        start, end = _named(str(match.lastgroup), today)
        return (end - start).days, match.start()

    return str(min(asked, key=width).lastgroup)


def find_period(text: str, today: date) -> Period | None:
    """The period a question names, or None when it names none.

    Days (12月1日到15日) come before months, months and quarters before the relative words,
    so "去年10月份" is October of last year, not the whole of last year."""
    norm = _SPACE.sub("", normalize_width(text or ""))  # "这 个 月", "截至 今天"
    patterns = _patterns()
    for shape, build in (("days", _days), ("quarter", _quarter), ("month", _month)):
        for match in patterns[shape].finditer(norm):
            found = build(match, today)
            if found is not None:
                return _since(found, norm[match.end() :], today)
    match = patterns["year"].search(norm)
    if match:
        year = int(match.group("year"))
        return _period(date(year, 1, 1), date(year, 12, 31), _label("year", year=year), "year")
    kind = _named_kind(norm, today)
    return named_period(kind, today) if kind else None


# The parser's own period names (nlu.result.Query.period) as kinds of data/query.yml.
PARSER_PERIODS = {
    "year": "this_year",
    "quarter": "this_quarter",
    "month": "this_month",
    "week": "this_week",
}


def named_period(kind: str, today: date) -> Period:
    """A relative period by its kind ('this_year', 'last_month', …)."""
    start, end = _named(kind, today)
    return _period(start, end, _label(kind), kind)
