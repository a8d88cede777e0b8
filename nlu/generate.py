"""Generated training lines over the activity catalogue, with exact labels.

Written chat names the activities its writers thought of, in the shapes they liked; a ledger is
mostly terse lines ("5月16日调解纠纷2件", "11.3 发放资料300份", "投入普法经费6.177万元"), and
without enough of them the intent classifier read short date-led logs as chatter. This module
writes such lines: every catalogued activity (data/lexicon/activities.yml) in the shapes real
ledgers use — one or two figures, head counts, events with no digit, stocks and rates — and
lines that report no work (running totals, plans, targets, notices, meeting times,
commemorative days, chatter), labelled as docs/corpus-contract.md says.

Labels are known, not read back: the template decides what each number is, and the day of the
work is computed from `now` by the contract's date rules (the written form knows its offset), so
`nlu.dates` and `nlu.numbers` can be tested against the lines rather than trusted to label them.
Every Chinese word comes from data/lexicon/generate.yml (and noise.yml's typos and @mentions);
the same seed writes the same lines.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlu.augment import chinese_numeral, noise
from nlu.catalogue import CatalogueActivity, by_name, catalogue
from nlu.corpus import CORPUS_DIR, check_record
from nlu.facts import BOT_NAME
from nlu.numbers import find_quantities, unit_kind, units
from nlu.result import plain_number
from taizhang.resources import data_file

GENERATE_FILE = data_file("lexicon", "generate.yml")
OUTPUT_FILE = CORPUS_DIR / "generated-catalogue.jsonl"
DEFAULT_COUNT = 3000
DEFAULT_SEED = 2026
BEIJING = timezone(timedelta(hours=8))
# The messages' times: spread over 2023-2026, as the contract asks of the writers.
FIRST_DAY = date(2023, 1, 2)
LAST_DAY = date(2026, 11, 27)
_SLOT = re.compile(r"\{(\w+)\}")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ATTEMPTS = 40
Record = dict[str, Any]


@lru_cache(maxsize=1)
def words() -> dict[str, Any]:
    """data/lexicon/generate.yml, checked against the catalogue once."""
    data = yaml.safe_load(GENERATE_FILE.read_text("utf-8"))
    known = by_name()
    named = [n for spec in data["head_counts"] for n in [spec["activity"], *spec["after"]]]
    named += list(data["village_stocks"]) + list(data["event_phrases"]) + list(data["audiences"])
    missing = sorted({n for n in named if n not in known})
    if missing:
        raise ValueError(f"generate.yml names activities not in the catalogue: {missing}")
    return data


@dataclass(frozen=True)
class Written:
    """A number as written ("300余份", "两场", "仨", "6.177万元") with its value and unit."""

    text: str
    value: float
    unit: str


@dataclass
class Generated:
    """One line and what the generator knows about it: its shape and how its date is written
    (`date_text`, None when the line names no day), for tests to compare readers with."""

    record: Record
    shape: str
    date_text: str | None = None
    day: date | None = None


@dataclass
class _Draft:
    """A line being written: its labels gather as the template's slots are filled."""

    now: datetime
    shape: str
    day: date
    date_text: str | None = None
    facts: list[dict[str, Any]] = field(default_factory=list)
    others: list[dict[str, Any]] = field(default_factory=list)
    query: dict[str, Any] | None = None


# --- dates: the contract's rules, from the written form -----------------------------------------


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    names = list(weights)
    return rng.choices(names, weights=[float(weights[n]) for n in names])[0]


def _month_back(year: int, month: int, back: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - back
    return index // 12, index % 12 + 1


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def resolve_month_day(month: int, day: int, today: date) -> date | None:
    """3月5日 / 3.5 with no year: the year of now, or the previous year if after now."""
    found = _safe(today.year, month, day)
    if found is not None and found > today:
        found = _safe(today.year - 1, month, day)
    return found


def resolve_day_of_month(day: int, today: date) -> date | None:
    """5号: day 5 of now's month, or of the previous month if that is after now."""
    if day <= today.day:
        return _safe(today.year, today.month, day)
    year, month = _month_back(today.year, today.month, 1)
    return _safe(year, month, day)


def resolve_weekday(weekday: int, today: date, last_week: bool) -> date:
    """周三 / 本周三: that weekday this week, or last week's if still to come; 上周三: the
    weekday of last week."""
    monday = today - timedelta(days=today.weekday())
    found = monday + timedelta(days=weekday)
    if last_week:
        return found - timedelta(days=7)
    return found - timedelta(days=7) if found > today else found


def _fill_date(form: str, **numbers: int) -> str:
    return _SLOT.sub(lambda m: str(numbers[m.group(1)]), form)


def write_date(rng: random.Random, kind: str, today: date) -> tuple[str | None, date]:
    """A written date of the kind and the day of work it means by the contract's rules."""
    w = words()
    if kind == "none":
        return None, today
    if kind == "vague":
        return rng.choice(w["vague"]), today
    if kind == "relative":
        word = rng.choice(list(w["relative"]))
        return word, today + timedelta(days=int(w["relative"][word]))
    if kind in ("weekday", "last_weekday"):
        last = kind == "last_weekday"
        prefix = rng.choice(w["last_weekday_prefixes" if last else "weekday_prefixes"])
        index = rng.randrange(7)
        text = prefix + rng.choice(w["weekday_words"]) + w["weekday_days"][index]
        return text, resolve_weekday(index, today, last)
    if kind in ("month_day", "numeric"):
        written = today - timedelta(days=rng.choice((0, 1, 2, 3, 5, 8, 12, 20, 35, 60, 100)))
        text = _fill_date(rng.choice(w[kind]), m=written.month, d=written.day)
        return text, _must(resolve_month_day(written.month, written.day, today))
    if kind == "day_only":
        day = rng.randint(1, 28)
        found = resolve_day_of_month(day, today)
        return _fill_date(rng.choice(w["day_only"]), d=day), _must(found)
    if kind == "range":
        first = today - timedelta(days=rng.randint(3, 60))
        last = first + timedelta(days=rng.randint(1, 2))
        forms = [f for f in w["range"] if ("{m2}" in f) == (last.month != first.month)]
        text = _fill_date(rng.choice(forms), m=first.month, d=first.day, m2=last.month, d2=last.day)
        return text, _must(resolve_month_day(first.month, first.day, today))
    if kind == "last_week":
        return rng.choice(w["last_week"]), today - timedelta(days=today.weekday() + 7)
    if kind == "month_only":
        _, month = _month_back(today.year, today.month, rng.randint(0, 3))
        found = resolve_month_day(month, 1, today)
        return _fill_date(rng.choice(w["month_only"]), m=month), _must(found)
    if kind == "weekend":
        saturday = today - timedelta(days=today.weekday()) + timedelta(days=5)
        return rng.choice(w["weekend"]), saturday if saturday <= today else saturday - timedelta(7)
    raise ValueError(f"unknown date form {kind!r}")


def _must(day: date | None) -> date:
    if day is None:
        raise _Retry
    return day


class _Retry(Exception):
    """This draw cannot be written (a day the month lacks, a span written twice): draw again."""


# --- numbers ------------------------------------------------------------------------------------


def _plain(value: float) -> str:
    number = plain_number(value)
    return str(number)


def _value_range(activity: str, unit: str) -> tuple[float, float]:
    """The typical values of a figure: the activity's own (generate.yml `activity_values`),
    else its measure word's."""
    w = words()
    own = w["activity_values"].get(activity) or {}
    low, high = own.get(unit) or own.get("*") or w["values"].get(unit) or w["values"]["default"]
    return float(low), float(high)


def _draw_value(rng: random.Random, activity: str, unit: str) -> float:
    low, high = _value_range(activity, unit)
    if unit_kind(unit) == "money" and units()[unit].factor > 1:  # 6.177万元: decimals
        return round(rng.uniform(low, high), rng.choice((0, 1, 1, 2, 3))) or float(low)
    if unit_kind(unit) == "percent":
        value = rng.uniform(low, high)
        return float(round(value, 1) if rng.random() < 0.3 else round(value))
    value = rng.randint(int(low), int(high))
    if high >= 100 and rng.random() < 0.6:  # 300份, 1500人次: big figures come round
        step = 100 if value >= 1000 else 10
        value = max(step, value // step * step)
    return float(value)


def write_number(
    rng: random.Random,
    activity: CatalogueActivity,
    unit: str,
    forms: dict[str, float] | None = None,
) -> Written:
    """A value of `activity` in `unit` written one of the ways staff write numbers, with the
    value a clerk records (the lower bound of a spoken amount, 万 folded into counted units)."""
    w = words()
    natural = activity.unit
    value = _draw_value(rng, activity.name, unit)
    kind = unit_kind(unit)
    weights = dict(forms or w["number_forms"])
    whole = value == int(value)
    small = whole and 1 <= value <= 99
    if not (small and kind in ("count", "people")) or (value == 1 and unit in w["not_one"]):
        weights.pop("chinese", None)
    if kind not in ("count", "people") or not whole or value < 20:
        weights.pop("approx", None)
    if kind not in ("count", "people") or not whole or value > 99:
        weights.pop("spoken", None)
    if unit not in w["pair_units"] or unit != natural:
        weights.pop("pair", None)
    low, high = _value_range(activity.name, unit)
    if unit not in w["wan_units"] or high < 20000:
        weights.pop("wan", None)
    if unit not in w["grouped_units"]:
        weights.pop("grouped", None)
    if kind == "percent" and small:
        weights["percent"] = 10
    form = _pick(rng, weights)
    if form == "chinese":
        return Written(chinese_numeral(int(value)) + unit, value, unit)
    if form == "approx":  # 300余份 / 二十多人: the number said is the value
        tens = int(value) // 10 * 10
        if rng.random() < 0.5 or tens >= 100:
            marker = rng.choice(w["approx_markers"])
            return Written(f"{tens}{marker}{unit}", float(tens), unit)
        marker = rng.choice(w["approx_markers_chinese"])
        return Written(chinese_numeral(tens) + marker + unit, float(tens), unit)
    if form == "spoken":  # 十几人 -> 10, 两三场 -> 2: the lower bound
        if value >= 10:
            tens = int(value) // 10 * 10
            return Written(chinese_numeral(tens) + w["few"] + unit, float(tens), unit)
        low = min(int(value), 8)
        said = chinese_numeral(low) + chinese_numeral(low + 1)
        return Written(said + unit, float(low), unit)
    if form == "pair":
        word = rng.choice(list(w["pairs"]))
        return Written(word, float(w["pairs"][word]), unit)
    if form == "wan":
        tenths = rng.randint(10, int(high) // 1000)
        return Written(f"{_plain(tenths / 10)}{w['wan']}{unit}", float(tenths * 1000), unit)
    if form == "grouped" and value >= 1000:
        return Written(f"{int(value):,}{unit}", value, unit)
    if form == "percent":
        return Written(rng.choice(w["percent_words"]) + chinese_numeral(int(value)), value, unit)
    if unit in w["grouped_units"] and value >= 1000 and rng.random() < 0.1:  # 两千元: 2000
        thousands = int(value) // 1000
        if thousands <= 9:
            said = chinese_numeral(thousands) + w["thousand"] + unit
            return Written(said, thousands * 1000.0, unit)
    return Written(f"{_plain(value)}{unit}", value, unit)


# --- the activities and their words --------------------------------------------------------------


@lru_cache(maxsize=1)
def _phrases() -> dict[str, tuple[str, ...]]:
    """Each activity's phrases a figure may follow: none with a number or a measure word
    inside (讲了一课), none with digits (12345) that would run into the figure."""
    avoid = set(words()["avoid_phrases"])
    usable: dict[str, tuple[str, ...]] = {}
    for activity in catalogue():
        kept = tuple(
            p
            for p in activity.phrases
            if p not in avoid and not re.search(r"\d", p) and not find_quantities(p)
        )
        audience = words()["audiences"].get(activity.name)
        if audience:  # only the phrases that say whom the work is for
            kept = tuple(p for p in kept if _names_audience(p, audience))
            kept += tuple(audience["phrases"])
        usable[activity.name] = kept or (activity.name,)
    return usable


def _names_audience(phrase: str, audience: dict[str, Any]) -> bool:
    return any(word in phrase for word in audience["words"])


def _phrase(rng: random.Random, activity: CatalogueActivity) -> str:
    if rng.random() < float(words()["name_share"]) and _name_usable(activity):
        return activity.name
    return rng.choice(_phrases()[activity.name])


def _name_usable(activity: CatalogueActivity) -> bool:
    """The activity's name may be written for it: it says whom the work is for, if that matters."""
    audience = words()["audiences"].get(activity.name)
    return audience is None or _names_audience(activity.name, audience)


def _verbal(phrase: str) -> bool:
    return any(phrase.startswith(head) for head in words()["verb_heads"])


def _unit(rng: random.Random, activity: CatalogueActivity) -> str:
    if len(activity.units) > 1 and rng.random() < 0.3:
        return rng.choice(activity.units[1:])
    return activity.unit


def _role(activity: CatalogueActivity) -> str:
    return "stock" if activity.kind in ("stock", "rate") else "new"


def _eventful(activity: CatalogueActivity) -> bool:
    return activity.kind == "count" and activity.unit in words()["event_verbs"]


def _event_words(rng: random.Random, activity: CatalogueActivity) -> str:
    """How one piece of work with no digit is said: the activity's own words for it, a phrase
    that starts with a verb, or its name (after a verb when it has none)."""
    w = words()
    own = w["event_phrases"].get(activity.name) or []
    heads = w["event_heads"]
    verbal = [p for p in _phrases()[activity.name] if any(p.startswith(h) for h in heads)]
    choice = rng.random()
    if own and choice < 0.4:
        return rng.choice(own)
    if verbal and choice < 0.7:
        return rng.choice(verbal)
    if not _name_usable(activity):
        return rng.choice(own or verbal or list(_phrases()[activity.name]))
    if _verbal(activity.name):
        return activity.name
    return rng.choice(w["event_verbs"][activity.unit]) + activity.name


def _head_spec(activity: CatalogueActivity) -> dict[str, Any] | None:
    for spec in words()["head_counts"]:
        if activity.name in spec["after"]:
            return spec
    return None


# --- the line shapes -----------------------------------------------------------------------------


class _Writer:
    """Fills one shape's template for one activity, gathering the labels."""

    def __init__(self, rng: random.Random, draft: _Draft) -> None:
        self.rng = rng
        self.draft = draft
        self.place: str | None = None

    # labels
    def fact(self, activity: CatalogueActivity, written: Written, span: str, role: str) -> None:
        self.draft.facts.append(
            {
                "section": activity.section,
                "activity": activity.name,
                "value": plain_number(written.value),
                "unit": written.unit,
                "date": self.draft.day.isoformat(),
                "place": None,
                "role": role,
                "span": span,
            }
        )

    def other(self, span: str, role: str) -> None:
        self.draft.others.append({"span": span, "role": role})

    # pieces
    def date(self) -> str:
        w = words()
        kind = _pick(self.rng, w["date_forms"])
        text, day = write_date(self.rng, kind, self.draft.now.date())
        self.draft.day, self.draft.date_text = day, text
        if text is None:
            return ""
        if re.search(r"\d", text):  # a date in digits is a number that is no work (role date)
            self.other(text, "date")
        joiners = list(w["date_joiners"])
        if kind in w["tight_forms"]:
            joiners += [""] * len(joiners)
        return text + self.rng.choice(joiners)

    def at_place(self) -> str:
        self.place = self.rng.choice(words()["places"])
        return self.rng.choice(words()["place_before"]) + self.place

    def figure(self, activity: CatalogueActivity) -> str:
        """One figure of work: 调解纠纷3件, 开展普法宣传两场, 投入普法经费6.177万元."""
        w = words()
        phrase = _phrase(self.rng, activity)
        written = write_number(self.rng, activity, _unit(self.rng, activity))
        forms = w["rate_forms"] if activity.kind == "rate" else w["fact_forms"]
        if activity.kind == "stock":
            forms = w["stock_forms"]
        form = self.rng.choice(forms)
        if "{verb}" in form and (_verbal(phrase) or not _eventful(activity)):
            form = form.replace("{verb}", "")
        self.fact(activity, written, written.text, _role(activity))
        return fill(form, phrase=phrase, q=written.text, verb=self.rng.choice(w["verbs"]))

    def event(self, activity: CatalogueActivity) -> str:
        """Work with no digit: 开了党委会 (1 次), 搞了场禁毒宣传 (1 场)."""
        said = _event_words(self.rng, activity)
        self.fact(activity, Written(said, 1.0, activity.unit), said, "new")
        return said

    def head(self, spec: dict[str, Any]) -> str:
        """People taking part: a fact of the work's section (参加42人)."""
        w = words()
        activity = by_name()[spec["activity"]]
        units = [u for u in activity.units if u in w["head_units"]] or [activity.unit]
        written = write_number(self.rng, activity, self.rng.choice(units))
        self.fact(activity, written, written.text, "new")
        form = self.rng.choice(w["head_forms"])
        plain = spec.get("plain") or []
        said = spec["words"]
        if plain and self.rng.random() < float(w["plain_head_share"]):
            said = plain
        return fill(form, word=self.rng.choice(said), q=written.text)


def fill(template: str, **slots: str) -> str:
    """The template with each {slot} replaced (a slot not given stays as written)."""
    return _SLOT.sub(lambda m: slots.get(m.group(1), m.group(0)), template)


def _counted(activity: CatalogueActivity) -> bool:
    return activity.kind in ("count", "money")


@lru_cache(maxsize=1)
def _head_activities() -> frozenset[str]:
    return frozenset(spec["activity"] for spec in words()["head_counts"])


def _accepts(shape: str, activity: CatalogueActivity) -> bool:
    """Whether a log shape can be written with `activity` as its main figure. A head count
    (参学人数) mostly follows its work; alone it is written only as a terse line."""
    if activity.name in _head_activities() and shape not in ("terse", "date_led"):
        return False
    if shape == "stock":
        return activity.kind in ("stock", "rate")
    if activity.kind in ("stock", "rate"):
        return False
    if shape in ("event", "event_head"):
        return _eventful(activity) and (shape == "event" or _head_spec(activity) is not None)
    if shape == "head_count":
        return _head_spec(activity) is not None
    if shape == "with_part":
        return activity.kind == "count" and activity.unit in words()["values"]
    if shape == "ordinal":
        return _eventful(activity) and _ordinal_units_fit(activity)
    return True


def _log_line(rng: random.Random, shape: str, activity: CatalogueActivity, draft: _Draft) -> str:
    """The text of a line that logs work, its labels gathered on `draft`."""
    w = words()
    writer = _Writer(rng, draft)
    if shape == "terse":
        text = writer.figure(activity)
    elif shape == "date_led":
        text = writer.date() + writer.figure(activity)
    elif shape == "place":
        text = writer.date() + writer.at_place() + writer.figure(activity)
    elif shape == "two_facts":
        second = rng.choice(
            [
                a
                for a in catalogue()
                if _counted(a) and a.name != activity.name and a.name not in _head_activities()
            ]
        )
        start = writer.date() + (writer.at_place() if rng.random() < 0.2 else "")
        first = writer.figure(activity)
        text = start + first + rng.choice(w["fact_joiners"]) + writer.figure(second)
    elif shape == "head_count":
        start = writer.date() + writer.figure(activity)
        text = start + rng.choice(w["head_joiners"]) + writer.head(_must(_head_spec(activity)))
    elif shape in ("event", "event_head"):
        start = writer.date() + (writer.at_place() if rng.random() < 0.25 else "")
        said = writer.event(activity)
        if shape == "event_head":
            joiner = rng.choice(w["head_joiners"])
            text = start + said + joiner + writer.head(_must(_head_spec(activity)))
        else:
            text = start + fill(
                rng.choice(w["event_forms"]), event=said, tail=rng.choice(w["event_tails"])
            )
    elif shape == "stock":
        text = _stock_line(rng, writer, activity)
    elif shape == "with_total":
        start = writer.date()
        said = writer.figure(activity)
        first = draft.facts[0]
        total = f"{_plain(first['value'] * rng.randint(3, 12))}{first['unit']}"
        writer.other(total, "running_total")
        text = fill(rng.choice(w["with_total_forms"]), date=start, fact=said, q2=total)
    elif shape == "with_part":
        start = writer.date()
        low, high = _value_range(activity.name, activity.unit)
        whole = rng.randint(max(3, int(low)), max(4, int(high)))
        total = Written(f"{whole}{activity.unit}", float(whole), activity.unit)
        part = f"{rng.randint(1, whole - 1)}{activity.unit}"
        writer.fact(activity, total, total.text, "new")
        writer.other(part, "part")
        text = fill(
            rng.choice(w["with_part_forms"]),
            date=start,
            phrase=_phrase(rng, activity),
            q=total.text,
            part=rng.choice(w["parts"]),
            q2=part,
        )
    elif shape == "with_time":
        start = writer.date()
        if draft.date_text in w["parts_of_day"]:
            raise _Retry  # 下午上午十点: one part of the day at a time
        said = rng.choice(w["meeting"]["times"])
        writer.other(said, "time")
        form = rng.choice(w["with_time_forms"])
        place = writer.at_place() if "{place}" in form else ""
        text = fill(form, date=start, time=said, place=place, fact=writer.figure(activity))
    elif shape == "ordinal":
        start = writer.date()
        units = w["ordinal_units"]
        said = rng.choice([u for u in units if units[u] in activity.units])
        phrase = _phrase(rng, activity)
        ordinal = fill(w["ordinal"], n=str(rng.randint(2, 9)), unit=said)
        writer.fact(activity, Written(phrase, 1.0, units[said]), phrase, "new")
        writer.other(ordinal, "ordinal")
        text = fill(rng.choice(w["ordinal_forms"]), date=start, ordinal=ordinal, phrase=phrase)
    else:
        raise ValueError(f"unknown shape {shape!r}")
    if writer.place:  # one place named in a message applies to all its facts
        for fact in draft.facts:
            fact["place"] = writer.place
    return text


def _stock_line(rng: random.Random, writer: _Writer, activity: CatalogueActivity) -> str:
    """A standing number: 持证执法人员27名, 调解成功率98%, 全镇9个村都配了法律顾问."""
    w = words()
    villages = w["village_stocks"].get(activity.name)
    if villages and rng.random() < 0.5:
        unit = w["village_unit"]
        low, high = w["village_values"]
        villages_counted = float(rng.randint(low, high))
        said = rng.choice((str(int(villages_counted)), chinese_numeral(int(villages_counted))))
        count = Written(said + unit, villages_counted, unit)
        writer.fact(activity, count, count.text, "stock")
        return fill(
            rng.choice(w["village_forms"]),
            q=count.text + w["village_word"],
            village=rng.choice(villages),
        )
    return (writer.date() if rng.random() < 0.3 else "") + writer.figure(activity)


def _ordinal_units_fit(activity: CatalogueActivity) -> bool:
    return any(unit in activity.units for unit in words()["ordinal_units"].values())


# --- lines that report no work -------------------------------------------------------------------


def _future_date(rng: random.Random, now: datetime) -> str:
    ahead = now.date() + timedelta(days=rng.randint(2, 20))
    return _fill_date(rng.choice(words()["deadline"]), m=ahead.month, d=ahead.day)


def _phone(rng: random.Random) -> str:
    return rng.choice(words()["phone"]["prefixes"]) + "".join(
        str(rng.randrange(10)) for _ in range(8)
    )


def _other_line(rng: random.Random, shape: str, draft: _Draft) -> str:
    """A line that reports no work: every number in it is labelled with its role."""
    w = words()
    writer = _Writer(rng, draft)
    family = w[shape]
    if shape == "bare_rate":
        said = f"{rng.choice([100, 100, 95, 90, 98, 85, 80, 60])}%"
        writer.other(said, family["role"])
        return fill(rng.choice(family["forms"]), rate=rng.choice(family["rates"]), q=said)
    if shape == "progress":
        return _progress_line(rng, writer, family)
    if shape == "link":
        low, high = family["path_length"]
        url = rng.choice(family["hosts"]) + "".join(
            rng.choice(family["path_letters"]) for _ in range(rng.randint(low, high))
        )
        if re.search(r"\d", url):
            writer.other(url, "id")
        activity = rng.choice([a for a in catalogue() if _eventful(a)])
        form = rng.choice(family["forms"])
        title = rng.choice(family["titles"])
        return fill(form, url=url, title=title, phrase=_phrase(rng, activity))
    if shape == "other_count":
        spec = rng.choice(family["forms"])
        said = f"{rng.randint(2, 9)}{spec['unit']}"
        writer.other(said, "other")
        return fill(spec["form"], q=said, place=rng.choice(w["places"]))
    # a running total may be of anything counted; a plan, target or notice is of work one does
    doable = _counted if shape == "running_total" else _eventful
    activity = rng.choice([a for a in catalogue() if doable(a)])
    phrase = _phrase(rng, activity)
    slots: dict[str, Callable[[], str]] = {
        "phrase": lambda: phrase,
        "future": lambda: rng.choice(w["future"]),
        "boss": lambda: rng.choice(w["bosses"]),
        "who": lambda: rng.choice(w["who"]),
        "place": lambda: rng.choice(w["places"]),
    }

    def number() -> str:  # in the activity's natural unit: 下周搞两场普法
        written = write_number(rng, activity, activity.unit)
        writer.other(written.text, family["role"])
        return written.text

    def deadline() -> str:
        said = _future_date(rng, draft.now)
        writer.other(said, "date")
        return said

    def meeting_time() -> str:
        said = rng.choice(family["times"])
        writer.other(said, "time")
        return said

    def room() -> str:
        spec = rng.choice(family["rooms"])
        if spec.get("span"):
            writer.other(spec["span"], "id")
        return spec["text"]

    def day_name() -> str:
        spec = rng.choice(family["days"])
        writer.other(spec["span"], "date")
        return spec["span"] + spec["name"]

    def phone() -> str:
        said = _phone(rng)
        writer.other(said, "id")
        return said

    def duration() -> str:
        said = f"{rng.randint(2, 7)}{family['unit']}"
        writer.other(said, "duration")
        return said

    slots.update(
        q=number,
        deadline=deadline,
        time=meeting_time,
        room=room,
        dayname=day_name,
        phone=phone,
        n=duration,
        meeting=lambda: rng.choice(family["meetings"]),
    )
    return _SLOT.sub(lambda m: slots[m.group(1)](), rng.choice(family["forms"]))


def _progress_line(rng: random.Random, writer: _Writer, family: dict[str, Any]) -> str:
    """A progress question to the bot, mostly about a period said in digits (10月份调解多少了):
    the query labels as the contract says, the digits of the period a date."""
    today = writer.draft.now.date()
    if rng.random() < float(family["dated_share"]):
        form = rng.choice(list(family["dated"]))
        period = family["dated"][form]
        _, month = _month_back(today.year, today.month, rng.randint(0, 4))
        said = _fill_date(form, m=month, y=today.year - rng.randint(0, 1))
        writer.other(said, "date")
    else:
        said = rng.choice(list(family["named"]))
        period = family["named"][said]
    kind = _pick(rng, family["kinds"])
    section = None
    if kind == "topic":
        section = rng.choice(list(family["topics"]))
        topic = rng.choice(family["topics"][section])
        text = fill(rng.choice(family["topic_forms"]), period=said, topic=topic)
    else:
        text = fill(rng.choice(family[f"{kind}_forms"]), period=said)
    writer.draft.query = {"section": section, "period": period, "uncovered": kind == "uncovered"}
    if rng.random() < float(family["mention"]):
        text = rng.choice(noise()["mentions"]) + text
    return text


# --- noise ---------------------------------------------------------------------------------------


def _roughen(rng: random.Random, item: Generated) -> Generated:
    """Chat noise on a finished line: a typo (in the labels' words too), full-width digits, an
    opener or closer, an @mention. The labels stay those of the clean line."""
    w = words()
    shares = w["noise"]
    record = item.record
    changes: list[Callable[[str], str]] = []
    if rng.random() < shares["typo"]:
        present = [t for t in noise()["typos"] if t in record["text"]]
        if present:
            word = rng.choice(present)
            typo = noise()["typos"][word]
            changes.append(lambda s: s.replace(word, typo))
    if rng.random() < shares["full_width"]:
        changes.append(lambda s: s.translate(_FULL_WIDTH))

    def change(s: str) -> str:
        for one in changes:
            s = one(s)
        return s

    text = change(record["text"])
    if record["intent"] != "query_progress" and rng.random() < shares["opener"]:
        text = rng.choice(w["openers"]) + text
    if record["intent"] != "query_progress" and rng.random() < shares["closer"]:
        text = text.rstrip(w["closer_replaces"]) + rng.choice(w["closers"])
    if rng.random() < shares["mention"] and not text.startswith("@"):
        text = rng.choice(noise()["mentions"]) + text
    if text == record["text"]:
        return item
    copy = {
        **record,
        "text": text,
        "facts": [{**f, "span": change(f["span"])} for f in record["facts"]],
        "other_numbers": [{**o, "span": change(o["span"])} for o in record["other_numbers"]],
    }
    date_text = change(item.date_text) if item.date_text else None
    if not _fits(copy) or (date_text and date_text not in text):
        return item
    return Generated(copy, item.shape, date_text, item.day)


def _fits(record: Record) -> bool:
    """A line the corpus takes, each span written once (a span that also stood inside another
    number, 1次 in 11次, would let a reader pick the wrong one) and none inside the bot's name."""
    if check_record(record) is not None:
        return False
    spans = [x["span"] for x in record["facts"] + record["other_numbers"]]
    text = record["text"]
    return all(text.count(span) == 1 and span not in BOT_NAME for span in spans)


# --- the whole set -------------------------------------------------------------------------------


def _now(rng: random.Random) -> datetime:
    """When a message was posted: a weekday in office hours mostly, some evenings/weekends."""
    span = (LAST_DAY - FIRST_DAY).days
    day = FIRST_DAY + timedelta(days=rng.randrange(span + 1))
    while day.weekday() >= 5 and rng.random() < 0.85:
        day += timedelta(days=1)
    hour = rng.randint(8, 17) if rng.random() < 0.85 else rng.randint(18, 22)
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=BEIJING)


def _one(
    rng: random.Random,
    number: int,
    seed: int,
    log: bool,
    activity: CatalogueActivity | None,
) -> Generated:
    """One valid line: a log of `activity` (or of a drawn one), or a line with no work."""
    w = words()
    for _ in range(_ATTEMPTS):
        now = _now(rng)
        if log:
            shapes = {
                s: weight
                for s, weight in w["log_shapes"].items()
                if activity is None or _accepts(s, activity)
            }
            shape = _pick(rng, shapes)
            chosen = activity or rng.choice([a for a in catalogue() if _accepts(shape, a)])
        else:
            shape = _pick(rng, w["other_shapes"])
            chosen = None
        draft = _Draft(now=now, shape=shape, day=now.date())
        try:
            if chosen is not None:
                text = _log_line(rng, shape, chosen, draft)
            else:
                text = _other_line(rng, shape, draft)
        except _Retry:
            continue
        intent = "log_activity" if log else w[shape].get("intent", "out_of_scope")
        record = {
            "id": f"gen{seed}-{number:05d}",
            "now": now.isoformat(),
            "text": text,
            "intent": intent,
            "facts": draft.facts,
            "other_numbers": draft.others,
            "correction": None,
            "query": draft.query,
            "note": f"generated (nlu/generate.py, seed {seed}): {shape}",
        }
        if _fits(record):
            day = draft.day if log else None
            return _roughen(rng, Generated(record, shape, draft.date_text if log else None, day))
    raise RuntimeError(f"no valid line after {_ATTEMPTS} draws (line {number}, {activity})")


def generate(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[Generated]:
    """`count` labelled lines, the same for the same seed: about 70% logs of work (each
    catalogued activity at least once when there are enough), the rest lines with no work."""
    rng = random.Random(seed)
    logs = round(count * float(words()["log_share"]))
    kinds = [True] * logs + [False] * (count - logs)
    rng.shuffle(kinds)
    order = list(catalogue())
    rng.shuffle(order)
    lines: list[Generated] = []
    logged = 0
    for number, log in enumerate(kinds, start=1):
        activity = order[logged] if log and logged < len(order) else None
        logged += log
        lines.append(_one(rng, number, seed, log, activity))
    return lines


def write_lines(lines: Sequence[Generated], path: Path = OUTPUT_FILE) -> Path:
    """The lines as corpus JSONL (nlu/corpus.py), one object per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line.record, ensure_ascii=False) + "\n")
    return path
