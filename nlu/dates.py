"""Find the days a message talks about, resolved against the message time (annotation guide).

Work reported in the group is already done, so a date without a year, a bare weekday or a bare
day-of-month that would fall after `now` means the previous year / week / month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import yaml

from nlu.numbers import normalize_width, parse_chinese_numeral
from taizhang.resources import data_file

DATE_WORDS_FILE = data_file("lexicon", "dates.yml")


@dataclass(frozen=True)
class DateMention:
    """A day named in the text. `weak` marks a bare time of day (上午/下午) that means today;
    `coarse` a period dated by its first day (8月, 本季度, 国庆期间), which a day written in the
    same sentence overrides ("6月份的学法日今天搞了" is today's work)."""

    start: int
    end: int
    date: date
    raw: str
    weak: bool = False
    coarse: bool = False


_CN_SMALL_NUM = "一二三四五六七八九十两〇零"
_NUM = rf"(?:\d{{1,2}}|[{_CN_SMALL_NUM}]{{1,3}})"
_RANGE_TAIL = rf"(?:\s?(?:至|到|~|—|－|-)\s?(?:{_NUM}月)?{_NUM}[日号]?)?"

_FULL_DATE = re.compile(
    rf"(?:(?P<yword>今年|去年|前年)|(?P<year>\d{{4}}|\d{{2}})年)?"
    rf"(?P<month>{_NUM})月(?P<day>{_NUM})(?P<suffix>[日号])?" + _RANGE_TAIL
)
_NUMERIC_DATE = re.compile(
    # not the tail of a time or a longer number (10:3.5); after a colon of words (补报：3.22) it is
    r"(?<![\d./\-])(?<!\d:)(?:(?P<year>\d{4})[./\-])?(?P<month>\d{1,2})(?P<sep>[./\-·•])(?P<day>\d{1,2})"
    r"(?![\d%])(?:\s?(?:至|到|~|—)\s?\d{1,2}(?:[./\-]\d{1,2})?(?![\d%]))?"
)
# A bracketed year right before a number: the number is a document's (发〔2024〕3号, [2024]5号).
_DOCUMENT_YEAR = re.compile(r"[〔\[（(【]\s*\d{2,4}\s*[〕\]）)】]$")
_WEEKDAY = re.compile(
    r"(?P<pre>上上|上|本|这|下)?个?(?P<word>周|星期|礼拜)(?P<day>[一二三四五六日天1-7])"
    # a range (周二至周三) or two days written together (周二周三, 周二、周三): the first day counts
    r"(?:\s?(?:至|到|-|~|—)\s?(?:周|星期|礼拜)?[一二三四五六日天1-7]"
    r"|(?:、|和|与|及)?(?:周|星期|礼拜)[一二三四五六日天1-7])?"
)
# 3月份 / 十月份的补一下: the work of that month, dated its first day (a clerk's convention)
_MONTH_ONLY = re.compile(
    rf"(?:(?P<yword>今年|去年)|(?P<year>\d{{4}})年)?(?P<month>{_NUM})月份"
)
# After 4·15 / 5·12: the name of a commemorative day, unless "那天/当天" says the work was on it
_DAY_NAME = re.compile(
    r"[\u4e00-\u9fff]{0,12}?[日节](?!那天|当天|当日)|[\u4e00-\u9fff]{2,12}(?=活动|前|期间)"
)
# 8月共受理6件 / 2024年8月: a month named without a day, dated its first day (not 3个月, 8月底)
_MONTH_BARE = re.compile(
    rf"(?:(?P<yword>今年|去年)|(?P<year>\d{{4}})年)?(?<![个\d])(?P<month>{_NUM})月"
    rf"(?![份底末初中上下旬{_CN_SMALL_NUM}\d])"
)
_QUARTER = re.compile(
    r"(?:(?P<yword>今年|去年)|(?P<year>\d{4})年)?第?(?P<q>[一二三四1-4])(?:季度|季)(?![度\u4e00-\u9fff]?[惠补])"
)
# 上周 alone (not 上周五): the week before, dated its Monday
_LAST_WEEK = re.compile(r"上上?(?:个)?(?:周|星期|礼拜)(?![一二三四五六日天1-7末])")
_WEEKDAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_UNIT_START = set("件起宗场次期人名份册张条处个项户家篇万千亿%元小天批轮堂节块幅套本")


def _num(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    value = parse_chinese_numeral(text)
    return int(value) if value is not None else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _month_back(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _resolve_month_day(month: int, day: int, today: date, year: int | None) -> date | None:
    if year is not None:
        return _safe_date(year, month, day)
    found = _safe_date(today.year, month, day)
    if found is not None and found > today:
        found = _safe_date(today.year - 1, month, day)
    if found is None and month == 2 and day == 29:  # 2月29日 in a non-leap year: last leap year
        for back in range(1, 8):
            found = _safe_date(today.year - back, 2, 29)
            if found is not None and found <= today:
                break
    return found


def _resolve_day(day: int, today: date, modifier: str | None) -> date | None:
    year, month = today.year, today.month
    if modifier in ("上个月", "上月"):
        year, month = _month_back(year, month)
        return _safe_date(year, month, day)
    if modifier:
        return _safe_date(year, month, day)
    for _ in range(4):  # day 31 said on 3 March: skip months that have no 31st
        found = _safe_date(year, month, day)
        if found is not None and found <= today:
            return found
        year, month = _month_back(year, month)
    return None


def _resolve_weekday(prefix: str | None, weekday: int, today: date) -> date:
    monday = today - timedelta(days=today.weekday())
    found = monday + timedelta(days=weekday)
    if prefix == "上":
        return found - timedelta(days=7)
    if prefix == "上上":
        return found - timedelta(days=14)
    if prefix == "下":
        return found + timedelta(days=7)
    if found > today:
        found -= timedelta(days=7)
    return found


def _expand_year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _written_year(m: re.Match[str], today: date) -> int | None:
    """The year written before a month or quarter (2024年, 今年, 去年), if any."""
    if m.group("year"):
        return _expand_year(m.group("year"))
    if m.group("yword"):
        return today.year - (1 if m.group("yword") == "去年" else 0)
    return None


def find_dates(text: str, now: datetime) -> list[DateMention]:
    """Every day mentioned in `text`, left to right, without overlaps (nlu.facts.extract
    reports a failure here: the message then goes to review)."""
    if not text or not isinstance(text, str):
        return []
    norm = normalize_width(text)
    today = now.date() if isinstance(now, datetime) else now
    candidates: list[DateMention] = []

    def add(
        start: int, end: int, found: date | None, weak: bool = False, coarse: bool = False
    ) -> None:
        if found is not None:
            candidates.append(DateMention(start, end, found, text[start:end], weak, coarse))

    for m in _FULL_DATE.finditer(norm):
        month, day = _num(m.group("month")), _num(m.group("day"))
        if month is None or day is None:
            continue
        if not m.group("suffix") and m.end("day") < len(norm) and norm[m.end("day")] in _UNIT_START:
            continue  # 5月3场: a count after a month name, not a day
        year: int | None = None
        if m.group("year"):
            year = _expand_year(m.group("year"))
        elif m.group("yword"):
            year = today.year - {"今年": 0, "去年": 1, "前年": 2}[m.group("yword")]
        add(m.start(), m.end(), _resolve_month_day(month, day, today, year))

    for m in _NUMERIC_DATE.finditer(norm):
        tail = norm[m.end() : m.end() + 2]
        if tail[:1] and (tail[0] in _UNIT_START or tail[0] in "点时分"):
            continue  # 3.5小时, 3.5万, 1-3件: amounts, not dates
        if m.group("sep") in "·•" and _DAY_NAME.match(norm, m.end()):
            continue  # 4·15全民国家安全教育日: the name of a day, not the day of the work
        month, day = int(m.group("month")), int(m.group("day"))
        year = int(m.group("year")) if m.group("year") else None
        add(m.start(), m.end(), _resolve_month_day(month, day, today, year))

    for m in _day_only().finditer(norm):
        day = _num(m.group("day"))
        if day is None or not 1 <= day <= 31:
            continue
        start = m.start("mod") if m.group("mod") else m.start("day")
        if start > 0 and norm[start - 1] in "第周期":
            continue
        if _DOCUMENT_YEAR.search(norm, 0, start):
            continue  # 〔2024〕3号: a document number (【台账】14日 is a day)
        add(start, m.end(), _resolve_day(day, today, m.group("mod")))

    for m in _WEEKDAY.finditer(norm):
        raw_day = m.group("day")
        weekday = int(raw_day) - 1 if raw_day.isdigit() else _WEEKDAY_INDEX[raw_day]
        add(m.start(), m.end(), _resolve_weekday(m.group("pre"), weekday, today))

    for pattern, group, months in ((_MONTH_ONLY, "month", 1), (_MONTH_BARE, "month", 1),
                                   (_QUARTER, "q", 3)):  # fmt: skip
        for m in pattern.finditer(norm):
            number = _num(m.group(group))
            if number is None or not 1 <= number <= 12 // months:
                continue
            if pattern is _MONTH_BARE and m.end() < len(norm) and norm[m.end()] in _UNIT_START:
                continue  # 5月3场: a count after a month name
            first_month = months * (number - 1) + 1
            found = _resolve_month_day(first_month, 1, today, _written_year(m, today))
            add(m.start(), m.end(), found, coarse=True)

    for start, end, found in _period_words(norm, today):
        add(start, end, found, coarse=True)

    for m in _LAST_WEEK.finditer(norm):
        weeks = 2 if m.group().startswith("上上") else 1
        monday = today - timedelta(days=today.weekday() + 7 * weeks)
        add(m.start(), m.end(), monday, coarse=True)

    offsets, day_parts = _relative_words()
    for m in _relative_pattern().finditer(norm):
        word = m.group()
        add(
            m.start(),
            m.end(),
            today + timedelta(days=offsets.get(word, 0)),
            weak=word in day_parts,
        )

    return _without_range_ends(norm, _without_overlaps(candidates))


@lru_cache(maxsize=1)
def _date_words() -> dict[str, Any]:
    return yaml.safe_load(DATE_WORDS_FILE.read_text("utf-8"))


@lru_cache(maxsize=1)
def _relative_words() -> tuple[dict[str, int], frozenset[str]]:
    """Day words by their offset from the message's day (dates.yml `relative_days`: 昨天 -1,
    夜来 -1, 前天 -2 …) and the parts of a day (`day_parts`: 上午, 晚上 …), which date work today
    only when no day word names another day."""
    words = _date_words()
    offsets = {
        str(word): int(offset)
        for offset, names in words["relative_days"].items()
        for word in names
    }
    day_parts = frozenset(str(word) for word in words["day_parts"])
    return offsets, day_parts


@lru_cache(maxsize=1)
def _relative_pattern() -> re.Pattern[str]:
    offsets, day_parts = _relative_words()
    return re.compile(_alternation([*offsets, *day_parts]))


@lru_cache(maxsize=1)
def _day_only() -> re.Pattern[str]:
    """A day of the month without a month (15号, 上个月3日); not when a word of
    dates.yml `not_day_after` follows (3号楼, 5号文: a house or document number)."""
    not_day_after = _alternation(_date_words()["not_day_after"])
    return re.compile(
        rf"(?:(?P<mod>本月|这个月|这月|上个月|上月)|(?<![月\d]))(?P<day>{_NUM})(?P<suffix>[日号])"
        rf"(?!{not_day_after})" + _RANGE_TAIL
    )


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _period_patterns() -> list[tuple[re.Pattern[str], str]]:
    """(pattern, kind) for the period words of data/lexicon/dates.yml; kind is a holiday's
    name, or recent / weekend / last_weekend / last_month."""
    words = _date_words()
    period = _alternation(words["holiday_period"])
    found = [
        (re.compile(rf"(?:{_alternation(names)})(?:节)?(?={period})"), holiday)
        for holiday, names in words["holidays"].items()
    ]
    found.append((re.compile(_alternation(words["recent_holiday"])), "recent"))
    found.append((re.compile(_alternation(words["last_weekend"])), "last_weekend"))
    months = _alternation(words["last_month"])
    found.append((re.compile(rf"(?:{months})(?![底末初中上下旬])"), "last_month"))
    found.append((re.compile(rf"(?<![上下])(?:{_alternation(words['weekend'])})"), "weekend"))
    return found


def _period_words(norm: str, today: date) -> list[tuple[int, int, date | None]]:
    found: list[tuple[int, int, date | None]] = []
    for pattern, kind in _period_patterns():
        for m in pattern.finditer(norm):
            found.append((m.start(), m.end(), _period_start(kind, today)))
    return found


def _period_start(kind: str, today: date) -> date | None:
    saturday = today - timedelta(days=today.weekday()) + timedelta(days=5)
    if kind == "weekend":
        return saturday if saturday <= today else saturday - timedelta(days=7)
    if kind == "last_weekend":
        return saturday - timedelta(days=7)
    if kind == "last_month":
        return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    recent_days = int(_date_words()["recent_holiday_days"])
    return holiday_start(None if kind == "recent" else kind, today, recent_days)


def holiday_start(name: str | None, today: date, recent_days: int = 400) -> date | None:
    """The first day of the most recent rest period (begun by `today`) of the holiday `name`
    (chinese_calendar's name), or of any holiday when `name` is None, looking back at most
    `recent_days` days for its last day. None when the calendar has no such holiday."""
    import chinese_calendar

    day = today
    for _ in range(max(recent_days, 0) + 1):
        try:
            is_holiday, holiday = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:  # a year the calendar does not cover
            return None
        if is_holiday and holiday is not None and (name is None or holiday == name):
            start = day
            while True:
                try:
                    before = chinese_calendar.get_holiday_detail(start - timedelta(days=1))
                except NotImplementedError:
                    break
                if not before[0]:
                    break
                start -= timedelta(days=1)
            return start
        day -= timedelta(days=1)
    return None


def _without_range_ends(norm: str, mentions: list[DateMention]) -> list[DateMention]:
    """Drop the last day of a written range ("昨天到今天", "周二至今天"): the first day dates
    the work."""
    joiners = set(_date_words()["range_joiners"])
    kept: list[DateMention] = []
    for mention in mentions:
        if kept and not mention.weak and norm[kept[-1].end : mention.start].strip() in joiners:
            continue
        kept.append(mention)
    return kept


def _without_overlaps(candidates: list[DateMention]) -> list[DateMention]:
    """Keep the longest mention where several overlap; drop 上午 right after a named day."""
    chosen: list[DateMention] = []
    for mention in sorted(candidates, key=lambda c: (c.start, -(c.end - c.start))):
        if chosen and mention.start < chosen[-1].end:
            continue
        if mention.weak and chosen and 0 <= mention.start - chosen[-1].end <= 1:
            continue  # 昨天下午 / 5月3日上午: the named day governs
        chosen.append(mention)
    return chosen
