"""A bare follow-up, read as the rest of the sender's previous work message.

"今天排查矛盾纠纷3起" and, a little later from the same person in the same room, "又排查了6处",
"下午又调了一起" or "还有两场": the follow-up names no work of its own (at most a verb), so read
alone it has no section, or a guessed one. The parse stays a function of the text (`taizhang
parse` prints what the words say); the dispatcher hands this step the facts of the sender's last
logged message (actions/follow_up.py), and the step reads the follow-up as that message's
continuation, by the rules the parser applies inside one message:

- only a text with a follow-up word (又, 再, 还, 另外, 也 …) and none of the words that make its
  numbers something else (a question, a plan, 还没, a correction) qualifies; the words are data
  (data/lexicon/follow_up.yml);
- a text that names work of its own (an activity phrase of data/sections.yml) keeps its reading;
- each number takes the topic: a section-less verb (排查, 发了, 走访; nlu.sections.ContextVerb)
  resolves against it as after an earlier phrase of the same message, a follow-up verb (调了)
  names the activity inside the topic's section, and a bare number takes the topic's activity
  when its unit counts it (or a sibling that does: 还有500份 after 普法宣传 -> 发放宣传资料);
- a fact the parser placed with at least `keep_above` confidence keeps its own section: only
  guesses are replaced, and a message whose guesses the topic cannot place is left as it was;
- the follow-up's own date words date the work (上周又排查了4起, 10月份的补一下); without them
  the topic's day does, as an earlier date governs the rest of one message. The place is only
  ever the follow-up's own: a missing place is safer in the report than a wrong one.

It never raises on what people write (the extractor reports its own failures) and costs one
regular-expression test for a message without a follow-up word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlu import cues
from nlu.catalogue import in_section
from nlu.facts import Analysis, date_at, extract, place_at
from nlu.numbers import normalize_width, same_measure, unit_kind, units
from nlu.result import NOT_WORK_ROLES, Fact, ParseResult
from nlu.sections import (
    Activity,
    ContextVerb,
    activity_for_unit,
    resolve_verb,
    section_by_id,
    section_ids,
)
from taizhang.resources import data_file

FOLLOW_UP_FILE = data_file("lexicon", "follow_up.yml")
LISTS = ("cues", "not_work", "not_work_cues", "count_end_particles")
# Intents a follow-up may be read from: a work report, or what the classifier took for chatter
# or a correction without a correction word ("又搞了一场"); questions and commands stay theirs.
OPEN_INTENTS = frozenset({"log_activity", "out_of_scope", "correct_last"})
# How sure a fact read from the topic is: the topic is what the sender logged a moment ago and
# the reply says what was recorded, so it is logged, not asked about.
FROM_TOPIC = 1.0
# A catalogue name stands for a lexicon name this similar (the activity namer's `map_floor`).
NAME_FLOOR = 0.5
# Measure words a verb's number may count in when its activity names other units (排查了6处).
COUNTED_KINDS = ("count", "people")
_CLAUSE_END = "，,。；;！!？?\n~～ "


@dataclass(frozen=True)
class Topic:
    """One fact of the previous message, as the ledger holds it."""

    section: str
    activity: str
    unit: str
    date: date
    role: str = "new"


@dataclass(frozen=True)
class FollowUpVerb:
    """A short verb that names work only inside a topic's section (调了 -> 调解矛盾纠纷)."""

    pattern: re.Pattern[str]
    in_section: dict[str, str]  # section id -> activity name (data/sections.yml)


@dataclass(frozen=True)
class _Count:
    """A number of the follow-up with its measure word, where it is written."""

    start: int
    end: int
    value: float
    unit: str


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    return yaml.safe_load(FOLLOW_UP_FILE.read_text("utf-8"))


@lru_cache(maxsize=1)
def _cue() -> re.Pattern[str]:
    return re.compile(cues.source(_lexicon()["cues"]))


@lru_cache(maxsize=1)
def _not_work() -> re.Pattern[str]:
    sources = [cues.source(_lexicon()["not_work"])]
    sources += [cues.cue_source(name) for name in _lexicon()["not_work_cues"]]
    return re.compile("|".join(f"(?:{source})" for source in sources))


@lru_cache(maxsize=1)
def _verbs() -> tuple[FollowUpVerb, ...]:
    return tuple(
        FollowUpVerb(re.compile(cues.source(spec["words"])), dict(spec["in_section"]))
        for spec in _lexicon().get("verbs") or ()
    )


@lru_cache(maxsize=1)
def _clause_end_counts() -> tuple[tuple[re.Pattern[str], str], ...]:
    end = re.escape(_CLAUSE_END)
    return tuple(
        (re.compile(f"{re.escape(str(word))}(?=[{end}]|$)"), str(unit))
        for word, unit in (_lexicon().get("clause_end_counts") or {}).items()
    )


def is_follow_up(text: str) -> bool:
    """Does `text` read as going on from the message before (a follow-up word, nothing that
    makes its numbers a question, a plan, a correction or work not done)? Cheap: the caller
    asks this before looking up the previous message."""
    norm = normalize_width(text or "")
    return bool(_cue().search(norm)) and not _not_work().search(norm)


def read_follow_up(
    text: str,
    now: datetime,
    result: ParseResult,
    topic: Sequence[Topic],
    keep_above: float,
) -> ParseResult | None:
    """`result` with the facts the topic places (intent log_activity), or None when the text is
    no bare follow-up of `topic` (see the module): then the parser's reading stands as it is."""
    if not topic or result.error or result.intent not in OPEN_INTENTS or not is_follow_up(text):
        return None
    from nlu.parser import clean_text  # the text as the model saw it ("3 件" is 3件)

    analysis = extract(clean_text(text), now).analysis
    if analysis is None or _names_own_work(analysis):
        return None
    if result.facts and not result.work:
        return None  # the parser read its numbers as a plan, a part or a total: not work done
    counts = [c for c in _counts(analysis) if c.start >= analysis.body_start]
    placed = [(count, _place(topic, analysis, count)) for count in counts]
    readings = [(count, reading) for count, reading in placed if reading is not None]
    if not readings:
        return None
    if result.intent == "log_activity" and result.work:
        facts = _reread(result.facts, readings, analysis, keep_above)
    else:
        facts = [_fact(count, reading, analysis) for count, reading in readings]
    if facts is None:
        return None
    return replace(result, intent="log_activity", facts=facts, correction=None, query=None)


# --- what the follow-up itself says -------------------------------------------------------------


def _names_own_work(analysis: Analysis) -> bool:
    """An activity phrase (not a section-less verb) in the text: it says what the work is."""
    return any(
        m.verb is None and m.activity is not None and m.start >= analysis.body_start
        for m in analysis.activities
    )


def _counts(analysis: Analysis) -> list[_Count]:
    """The follow-up's numbers with a measure word, and the clause-end counts (又调了一起)."""
    found = [_Count(q.start, q.end, q.value, q.unit) for q in analysis.quantities if q.unit]
    taken = [(q.start, q.end) for q in analysis.quantities]
    for pattern, unit in _clause_end_counts():
        for match in pattern.finditer(analysis.norm):
            if not any(start < match.end() and match.start() < end for start, end in taken):
                found.append(_Count(match.start(), match.end(), 1.0, unit))
    return sorted(found, key=lambda count: count.start)


def _context_verb(analysis: Analysis, position: int) -> ContextVerb | None:
    """The section-less verb nearest before `position` in its clause (排查了6处)."""
    before = [
        m
        for m in analysis.activities
        if m.verb is not None
        and m.end <= position
        and not _clause_break(analysis.norm, m.end, position)
    ]
    return before[-1].verb if before else None


def _follow_up_verb(analysis: Analysis, position: int) -> FollowUpVerb | None:
    """A follow-up verb before `position` in its clause (调了一起), not inside a lexicon verb."""
    mentions = [(m.start, m.end) for m in analysis.activities]
    best: tuple[int, FollowUpVerb] | None = None
    for verb in _verbs():
        for match in verb.pattern.finditer(analysis.norm, 0, position):
            if _clause_break(analysis.norm, match.end(), position):
                continue
            if any(s < match.end() and match.start() < e for s, e in mentions):
                continue
            if best is None or match.start() > best[0]:
                best = (match.start(), verb)
    return best[1] if best else None


def _clause_break(norm: str, start: int, end: int) -> bool:
    return any(ch in _CLAUSE_END for ch in norm[start:end])


def _ends_clause(norm: str, end: int) -> bool:
    """Nothing but particles, punctuation or emoji after `end` up to the clause's end."""
    rest = re.split(f"[{re.escape(_CLAUSE_END)}]", norm[end:], maxsplit=1)[0]
    return _count_end().fullmatch(rest) is not None


@lru_cache(maxsize=1)
def _count_end() -> re.Pattern[str]:
    particles = cues.source(_lexicon()["count_end_particles"])
    return re.compile(f"(?:{particles}|[^\\w])*")


# --- placing a number in the topic --------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    activity: Activity  # as the lexicon names it; `name` is what the ledger gets
    name: str
    topic: Topic


def _place(topic: Sequence[Topic], analysis: Analysis, count: _Count) -> _Reading | None:
    """The topic fact this number continues and the activity it counts there; the nearest
    earlier fact (the previous message's last) is tried first."""
    verb = _context_verb(analysis, count.start)
    follow_up_verb = None if verb is not None else _follow_up_verb(analysis, count.start)
    if verb is None and follow_up_verb is None and not _ends_clause(analysis.norm, count.end):
        return None  # 还有两个小时, 去了3个村: the word after the number says what it counts
    for fact in reversed(topic):
        if fact.role != "new" or section_by_id(fact.section) is None:
            continue  # a standing number (覆盖9个社区) is no work to go on with
        current = _topic_activity(fact)
        chosen = _chosen(current, fact, verb, follow_up_verb, count.unit)
        if chosen is None or chosen.section != fact.section:
            continue
        if chosen.name == current.name and _counts_in(current, count.unit):
            return _Reading(chosen, fact.activity, fact)  # the ledger's own name, as logged
        return _Reading(chosen, _ledger_name(chosen, count.unit, analysis, count.start), fact)
    return None


def _chosen(
    current: Activity,
    fact: Topic,
    verb: ContextVerb | None,
    follow_up_verb: FollowUpVerb | None,
    unit: str,
) -> Activity | None:
    if follow_up_verb is not None:
        named = follow_up_verb.in_section.get(fact.section)
        activity = _lexicon_activity(fact.section, named) if named else None
        return activity if activity is not None and _counts_in(activity, unit) else None
    if verb is not None:  # the verb decides as inside one message, in any unit of things
        if not verb.follows(current):
            return None
        chosen = verb.activity_in(fact.section) or resolve_verb(verb, current, unit)
        if chosen is None or _counts_in(chosen, unit) or unit_kind(unit) in COUNTED_KINDS:
            return chosen
        return None  # 又排查了2小时: a duration, not a number of things
    if _counts_in(current, unit):
        return current
    sibling = activity_for_unit(current, unit)  # 还有500份 after 普法宣传2场: 发放宣传资料
    return sibling if _counts_in(sibling, unit) else None


def _lexicon_activity(section_id: str, name: str) -> Activity | None:
    section = section_by_id(section_id)
    return section.activity(name) if section is not None else None


def _topic_activity(fact: Topic) -> Activity:
    """The topic's activity as the lexicon knows it, counted in the units the catalogue gives
    its name (the ledger's names are the catalogue's: a figure stays in its activity's own
    units) and in the topic's own unit; a new name stands as an activity of its section."""
    found = _lexicon_activity(fact.section, fact.activity)
    catalogued = next((a for a in in_section(fact.section) if a.name == fact.activity), None)
    if catalogued is not None:
        counted = catalogued.units
    else:
        counted = found.units if found is not None else ()
    if found is None:
        found = Activity(fact.section, fact.activity, (), (), fact.unit)
    return replace(found, units=_with(counted, fact.unit))


def _with(names: tuple[str, ...], unit: str) -> tuple[str, ...]:
    return names if unit in names else (*names, unit)


def _counts_in(activity: Activity, unit: str) -> bool:
    """Is `unit` one of the activity's, or another word for one (起 for 件)?"""
    return any(same_measure(unit, own) for own in activity.units)


def _ledger_name(activity: Activity, unit: str, analysis: Analysis, position: int) -> str:
    """The name the activity namer would give: the catalogue's activity that counts this unit
    and stands for the lexicon's name, else a new name from the follow-up's own words, as the
    parser names work the catalogue does not hold (排查了6处 -> 排查)."""
    from nlu.activities import catalogue_name, context_at, new_name

    options = [a for a in in_section(activity.section) if unit in a.units]
    if any(a.name == activity.name for a in options):
        return activity.name
    mapped = catalogue_name(activity.name, activity.section, unit, NAME_FLOOR)
    if mapped is not None:
        return mapped
    return new_name(context_at(analysis.norm, position), activity.name, unit)


# --- the facts ----------------------------------------------------------------------------------


def _fact(count: _Count, reading: _Reading, analysis: Analysis) -> Fact:
    """A fact the parser did not read, placed in the topic."""
    return Fact(
        section=reading.activity.section,
        activity=reading.name,
        value=count.value,
        unit=count.unit,
        date=_day(analysis, count.start, reading.topic),
        place=place_at(analysis, count.start),
        confidence=FROM_TOPIC,
    )


def _day(analysis: Analysis, position: int, topic: Topic) -> date:
    """The follow-up's own date words date it; without any, the topic's day."""
    return date_at(analysis, position) if analysis.dates else topic.date


def _reread(
    facts: list[Fact],
    readings: list[tuple[_Count, _Reading]],
    analysis: Analysis,
    keep_above: float,
) -> list[Fact] | None:
    """The parser's facts with each guessed section replaced by the topic's (a fact is tied to
    its number by value and unit). None when a guess is left that the topic cannot place, or
    when the topic changes nothing: the message then keeps its own reading."""
    free = list(readings)
    result: list[Fact] = []
    changed = False
    for fact in facts:
        if fact.role in NOT_WORK_ROLES:
            result.append(fact)
            continue
        match = next(
            (
                (count, reading)
                for count, reading in free
                if count.value == fact.value and count.unit == fact.unit
            ),
            None,
        )
        if match is None:
            if fact.confidence < keep_above:
                return None
            result.append(fact)
            continue
        free.remove(match)
        count, reading = match
        if reading.activity.section == fact.section:  # the topic agrees: not a guess any more
            result.append(replace(fact, confidence=max(fact.confidence, FROM_TOPIC)))
            changed = changed or fact.confidence < FROM_TOPIC
        elif fact.confidence < keep_above:
            day = fact.date if analysis.dates else reading.topic.date
            result.append(
                replace(
                    fact,
                    section=reading.activity.section,
                    activity=reading.name,
                    date=day,
                    confidence=FROM_TOPIC,
                )
            )
            changed = True
        else:
            result.append(fact)
    return result if changed else None


# --- `taizhang lexicon check` -------------------------------------------------------------------


def problems(path: Path | None = None) -> list[cues.Problem]:
    """What is wrong with the follow-up words: missing or empty lists, fragments that do not
    compile, unknown cue names, verbs naming a section or activity the lexicon does not hold."""
    path = path or FOLLOW_UP_FILE
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        return [("unreadable", path.name, str(error))]
    if not isinstance(data, dict):
        return [("unreadable", path.name, "")]
    found: list[cues.Problem] = []
    for key in LISTS:
        items = data.get(key)
        if not isinstance(items, list) or not items:
            found.append(("follow_up_missing", key, ""))
            continue
        if key == "not_work_cues":
            known = cues.REQUIRED
            found += [("cue_unknown", str(name), "") for name in items if name not in known]
            continue
        found += _pattern_problems(key, items)
    for index, spec in enumerate(data.get("verbs") or []):
        where = f"verbs[{index}]"
        if not isinstance(spec, dict) or not spec.get("words") or not spec.get("in_section"):
            found.append(("follow_up_missing", where, ""))
            continue
        found += _pattern_problems(where, spec["words"])
        for section, name in spec["in_section"].items():
            if section not in section_ids() or _lexicon_activity(section, str(name)) is None:
                found.append(("follow_up_activity", where, f"{section}: {name}"))
    for word, unit in (data.get("clause_end_counts") or {}).items():
        if unit not in units():
            found.append(("unit_unknown", f"clause_end_counts/{word}", str(unit)))
    return found


def _pattern_problems(where: str, items: list[Any]) -> list[cues.Problem]:
    words = [item for item in items if isinstance(item, str)]
    found = [("word_twice", where, w) for w in sorted({w for w in words if words.count(w) > 1})]
    try:
        re.compile(cues.source(items))
    except (ValueError, re.error) as error:
        found.append(("bad_pattern", where, str(error)))
    return found
