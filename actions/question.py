"""What a progress question asks, read from its text: the period, the section or single
activity, the unit, a person ("张敏…", "我…"), a place ("白岩村…"), and whether it wants one
figure, a count of records or a list.

The parser's Query (section, a coarse period with its exact days from nlu.periods, uncovered)
is the starting point; this module adds what the reply needs beyond it, in the query path only
(the extractor is untouched).
Words come from data/query.yml, activities from the taxonomy, places from nlu.places.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy.orm import Session

from bot.storage.models import Person, Town
from bot.storage.registry import list_people
from nlu.catalogue import in_section
from nlu.numbers import normalize_width, units
from nlu.periods import PARSER_PERIODS, Period, find_period, named_period, vocabulary
from nlu.places import find_places
from nlu.result import ParseResult, Query
from nlu.sections import find_activities, find_section_keyword


def ledger_name(norm: str, section: str, taxonomy_name: str) -> str:
    """The name the ledger stores the asked work under: the catalogued activity of the section
    whose phrase the question holds (longest first: "中心组学法几次" -> 中心组学法), else the
    taxonomy's name."""
    found = [
        (len(phrase), activity.name)
        for activity in in_section(section)
        for phrase in (activity.name, *activity.phrases)
        if phrase in norm
    ]
    return max(found)[1] if found else taxonomy_name


@dataclass(frozen=True)
class Question:
    """One progress question, ready to be answered."""

    period: Period
    section: str | None = None
    activity: str | None = None  # a single activity asked about ("调解成功率多少")
    unit: str | None = None  # the measure word asked for ("几场" -> 场)
    person: Person | None = None
    place: str | None = None
    counts_records: bool = False  # "几条"
    wants_list: bool = False  # "哪些"
    asks_figure: bool = False  # "几 / 多少": one number is wanted
    uncovered: bool = False
    unknown_person: str | None = None  # "王五这个月报了几条" with nobody registered as 王五


def _has_any(text: str, words: list[str]) -> bool:
    return any(word in text for word in words)


@lru_cache(maxsize=1)
def _asked_unit() -> re.Pattern[str]:
    """几件 / 多少场 / 多少人次: the unit after a question word (longest unit first)."""
    words = sorted(units(), key=len, reverse=True)
    count_words = vocabulary()["count_words"]
    return re.compile(
        f"(?:{'|'.join(map(re.escape, count_words))})(?:个)?({'|'.join(map(re.escape, words))})"
    )


def _is_self(text: str) -> bool:
    words = vocabulary()
    for exclusion in words["self_exclusions"]:
        text = text.replace(exclusion, "")
    return _has_any(text, words["self_words"])


# A WeChat name often decorates the name people say: "张敏🌸", "张敏-司法所".
_LEADING_NAME = re.compile(r"[\u3400-\u9fff]{2,}")


def _names(person: Person) -> set[str]:
    """What people call `person`: the display name, and its leading run of Chinese."""
    names = {person.display_name}
    leading = _LEADING_NAME.match(person.display_name)
    if leading:
        names.add(leading.group())
    return {name for name in names if len(name) >= 2}


def _named_person(text: str, people: list[Person]) -> tuple[Person, str] | None:
    """The registered person named in the question, and the name used (longest wins)."""
    not_names = set(vocabulary()["not_names"])
    found = [
        (person, name)
        for person in people
        for name in _names(person)
        if name not in not_names and name in text
    ]
    return max(found, key=lambda pair: len(pair[1])) if found else None


def _unknown_name(text: str, town: Town) -> str | None:
    """The name in "王五这个月报了几条" when it opens the question (only called when no
    registered person is named in it)."""
    words = vocabulary()
    between = "|".join(map(re.escape, words["person_between"]))
    verbs = "|".join(map(re.escape, words["person_verbs"]))
    text = re.sub(r"^(?:\s*@\S+[\s\u2005]*)+", "", text)  # "@法治台账 王五…"
    found = re.match(rf"\s*([\u3400-\u9fff]{{2,3}}?)(?:{between})?(?:{verbs})", text)
    if found is None:
        return None
    name = found.group(1)
    excluded = set(words["not_person_words"]) | set(words["not_names"]) | {town.name}
    if name in excluded or _is_self(name) or find_places(name) or find_section_keyword(name):
        return None
    return name


def read_question(
    session: Session,
    text: str,
    query: Query | None,
    today: date,
    *,
    town: Town,
    asker: Person,
) -> Question:
    """Everything the reply to `text` needs to know, for a question asked on `today`."""
    norm = normalize_width(text or "")
    words = vocabulary()
    query = query or Query()
    # The parse's days (nlu.periods, read at the message's time); a Query built without them
    # (a question recognised after the parse) reads the text with the same reader.
    period = query.dates or find_period(norm, today)
    if period is None:
        period = named_period(PARSER_PERIODS.get(query.period or "year", "this_year"), today)
    people = list_people(session, town)
    named = _named_person(norm, people)
    person = named[0] if named else (asker if _is_self(norm) else None)
    unknown = _unknown_name(norm, town) if person is None else None
    if named:  # a name is no activity or place: read the rest without it
        norm = norm.replace(named[1], " ")
    places = [p.name for p in find_places(norm) if p.name != town.name]
    activities = [m.activity for m in find_activities(norm) if m.activity is not None]
    asked_unit = _asked_unit().search(norm)
    unit = asked_unit.group(1) if asked_unit else None
    counts_records = unit in words["record_words"]
    asks_figure = _has_any(norm, words["count_words"]) or any("%" in a.units for a in activities)
    activity = activities[0] if activities and asks_figure and not counts_records else None
    section = activity.section if activity else (query.section or find_section_keyword(norm))
    return Question(
        period=period,
        section=None if query.uncovered else section,
        activity=ledger_name(norm, activity.section, activity.name) if activity else None,
        unit=None if counts_records else unit,
        person=person,
        place=places[0] if places else None,
        counts_records=counts_records,
        wants_list=_has_any(norm, words["list_words"]),
        asks_figure=asks_figure,
        uncovered=query.uncovered,
        unknown_person=unknown,
    )


def looks_like_question(text: str) -> bool:
    """Whether an addressed message reads as a question about the ledger: a question word
    with a ledger word, a section or an activity ("今年法治工作进展怎么样"; not "今天天气怎么样").
    Used when the classifier is unsure; work reports (which carry numbers) never get here."""
    norm = normalize_width(text or "")
    words = vocabulary()
    if not _has_any(norm, words["question_words"]):
        return False
    return bool(
        _has_any(norm, words["ledger_words"]) or find_section_keyword(norm) or find_activities(norm)
    )


def as_question(result: ParseResult, text: str, threshold: float) -> ParseResult | None:
    """The parse as a progress question, when the classifier was unsure (below `threshold`),
    or called it chatter or a work report with nothing to record, but the addressed text
    plainly asks about the ledger ("11月1日到15日调解了几件"); else None."""
    if result.work:
        return None
    if result.confidence >= threshold and result.intent not in ("out_of_scope", "log_activity"):
        return None
    if not looks_like_question(text):
        return None
    return dataclasses.replace(result, intent="query_progress", query=result.query or Query())
