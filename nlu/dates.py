"""Find the days a message talks about, resolved against the message time (annotation guide).

Work reported in the group is already done, so a date without a year, a bare weekday or a bare
day-of-month that would fall after `now` means the previous year / week / month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from nlu.numbers import normalize_width, parse_chinese_numeral


@dataclass(frozen=True)
class DateMention:
    """A day named in the text. `weak` marks a bare time of day (上午/下午) that means today."""

    start: int
    end: int
    date: date
    raw: str
    weak: bool = False


_CN_SMALL_NUM = "一二三四五六七八九十两〇零"
_NUM = rf"(?:\d{{1,2}}|[{_CN_SMALL_NUM}]{{1,3}})"
_RANGE_TAIL = rf"(?:\s?(?:至|到|~|—|－|-)\s?(?:{_NUM}月)?{_NUM}[日号]?)?"
# Words after "N号" that make it a house/document number, not a day.
_NOT_DAY_AFTER = (
    "楼|院|门|线|房|室|文|令|窗|桌|车|会议室|单元|地块|柜|机|馆|厅|仓|床|位|码|台|箱|口|店|铺|"
    "坑|井|站|通道|路|街|巷|弄|组|栋|幢|场|田|地|片|区|段|号"
)

_FULL_DATE = re.compile(
    rf"(?:(?P<yword>今年|去年|前年)|(?P<year>\d{{4}}|\d{{2}})年)?"
    rf"(?P<month>{_NUM})月(?P<day>{_NUM})(?P<suffix>[日号])?" + _RANGE_TAIL
)
_NUMERIC_DATE = re.compile(
    r"(?<![\d.:/\-])(?:(?P<year>\d{4})[./\-])?(?P<month>\d{1,2})(?P<sep>[./\-])(?P<day>\d{1,2})"
    r"(?![\d%])(?:\s?(?:至|到|~|—)\s?\d{1,2}(?:[./\-]\d{1,2})?(?![\d%]))?"
)
_DAY_ONLY = re.compile(
    rf"(?:(?P<mod>本月|这个月|这月|上个月|上月)|(?<![月\d〕\]）)】]))(?P<day>{_NUM})(?P<suffix>[日号])"
    rf"(?!{_NOT_DAY_AFTER})" + _RANGE_TAIL
)
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
# 上周 alone (not 上周五): the week before, dated its Monday
_LAST_WEEK = re.compile(r"上上?(?:个)?(?:周|星期|礼拜)(?![一二三四五六日天1-7末])")
_RELATIVE = re.compile(
    r"大前天|前天|前日|昨天|昨日|昨晚|昨早|昨儿|昨个|今天|今日|今早|今晚|今儿|今晨|刚才|刚刚|"
    r"明天|明日|后天|上午|下午|中午|早上|晚上|傍晚|早晨"
)
_RELATIVE_OFFSET = {
    "大前天": -3,
    "前天": -2,
    "前日": -2,
    "昨天": -1,
    "昨日": -1,
    "昨晚": -1,
    "昨早": -1,
    "昨儿": -1,
    "昨个": -1,
    "明天": 1,
    "明日": 1,
    "后天": 2,
}
_WEAK_WORDS = frozenset({"上午", "下午", "中午", "早上", "晚上", "傍晚", "早晨"})
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


def find_dates(text: str, now: datetime) -> list[DateMention]:
    """Every day mentioned in `text`, left to right, without overlaps (nlu.facts.extract
    reports a failure here: the message then goes to review)."""
    if not text or not isinstance(text, str):
        return []
    norm = normalize_width(text)
    today = now.date() if isinstance(now, datetime) else now
    candidates: list[DateMention] = []

    def add(start: int, end: int, found: date | None, weak: bool = False) -> None:
        if found is not None:
            candidates.append(DateMention(start, end, found, text[start:end], weak))

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
        month, day = int(m.group("month")), int(m.group("day"))
        year = int(m.group("year")) if m.group("year") else None
        add(m.start(), m.end(), _resolve_month_day(month, day, today, year))

    for m in _DAY_ONLY.finditer(norm):
        day = _num(m.group("day"))
        if day is None or not 1 <= day <= 31:
            continue
        start = m.start("mod") if m.group("mod") else m.start("day")
        if start > 0 and norm[start - 1] in "第周期":
            continue
        add(start, m.end(), _resolve_day(day, today, m.group("mod")))

    for m in _WEEKDAY.finditer(norm):
        raw_day = m.group("day")
        weekday = int(raw_day) - 1 if raw_day.isdigit() else _WEEKDAY_INDEX[raw_day]
        add(m.start(), m.end(), _resolve_weekday(m.group("pre"), weekday, today))

    for m in _MONTH_ONLY.finditer(norm):
        month = _num(m.group("month"))
        if month is None or not 1 <= month <= 12:
            continue
        year = None
        if m.group("year"):
            year = _expand_year(m.group("year"))
        elif m.group("yword"):
            year = today.year - (1 if m.group("yword") == "去年" else 0)
        add(m.start(), m.end(), _resolve_month_day(month, 1, today, year))

    for m in _LAST_WEEK.finditer(norm):
        weeks = 2 if m.group().startswith("上上") else 1
        monday = today - timedelta(days=today.weekday() + 7 * weeks)
        add(m.start(), m.end(), monday)

    for m in _RELATIVE.finditer(norm):
        word = m.group()
        add(
            m.start(),
            m.end(),
            today + timedelta(days=_RELATIVE_OFFSET.get(word, 0)),
            weak=word in _WEAK_WORDS,
        )

    return _without_overlaps(candidates)


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
