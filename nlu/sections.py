"""The twelve report sections and their countable activities, loaded once from data/sections.yml.

The same file drives fact extraction (which activity a number belongs to), progress questions
(which section a query names) and the year-end report (sums per activity and unit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from nlu.numbers import normalize_width, unit_kind
from taizhang.resources import data_file

SECTIONS_FILE = data_file("sections.yml")


@dataclass(frozen=True)
class Activity:
    """One countable kind of work, e.g. disputes / 调解矛盾纠纷 counted in 件."""

    section: str
    name: str
    patterns: tuple[str, ...]
    units: tuple[str, ...]
    default_unit: str
    # a digital channel (网上, 数字平台录入) outranks the business word after it in its clause
    channel: bool = False
    frames: tuple[str, ...] = ()  # regexes for split phrasings (网上为群众办理…)


@dataclass(frozen=True)
class ContextVerb:
    """A word that names no section itself (检查, 排查, 办理, 参训): the message's topic decides.

    `topics` are the sections whose topic it may follow (empty: any); `default` takes the number
    when no such topic precedes it (None: not a fact); `in_section` names the activity inside a
    topic's section; `participants` marks people taking part (参训30人 -> participant activity).
    """

    name: str
    patterns: tuple[str, ...]
    topics: tuple[str, ...]
    default: Activity | None
    in_section: tuple[tuple[str, Activity], ...] = ()
    participants: bool = False
    any_unit: bool = False  # without a topic, the default takes any written unit (宣传86户)
    unit_decides: bool = False  # in a topic, a unit its activity does not count goes to default

    def activity_in(self, section_id: str) -> Activity | None:
        return next((a for s, a in self.in_section if s == section_id), None)

    def follows(self, topic: Activity) -> bool:
        """`topics` lists sections, or single activities of a section that is not wholly listed."""
        return not self.topics or topic.section in self.topics or topic.name in self.topics


@dataclass(frozen=True)
class Section:
    """One report section: its Chinese headings, query keywords and activities."""

    id: str
    title: str
    short_title: str
    keywords: tuple[str, ...]
    activities: tuple[Activity, ...]
    participant_activity: str | None = None

    def activity(self, name: str) -> Activity | None:
        return next((a for a in self.activities if a.name == name), None)


@dataclass(frozen=True)
class ActivityMention:
    """Where an activity phrase (or a context verb) occurs in a message.

    For a context verb, `activity` is its default (possibly None) and `verb` is set: the caller
    resolves it against the message's topic with `resolve_verb`.
    """

    start: int
    end: int
    activity: Activity | None
    raw: str
    verb: ContextVerb | None = None

    @property
    def name(self) -> str:
        if self.activity is not None:
            return self.activity.name
        return self.verb.name if self.verb else self.raw

    @property
    def channel(self) -> bool:
        return self.verb is None and self.activity is not None and self.activity.channel


@lru_cache(maxsize=1)
def sections() -> tuple[Section, ...]:
    """All sections in report order (cached: the YAML is read once per process)."""
    with SECTIONS_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    result = []
    for spec in raw["sections"]:
        activities = tuple(
            Activity(
                section=spec["id"],
                name=str(a["name"]),
                patterns=tuple(str(p) for p in a["patterns"]),
                units=tuple(str(u) for u in a["units"]),
                default_unit=str(a["default_unit"]),
                channel=bool(a.get("channel", False)),
                frames=tuple(str(f) for f in a.get("frames") or ()),
            )
            for a in spec["activities"]
        )
        result.append(
            Section(
                id=spec["id"],
                title=str(spec["title"]),
                short_title=str(spec["short_title"]),
                keywords=tuple(str(k) for k in spec.get("keywords") or ()),
                activities=activities,
                participant_activity=spec.get("participant_activity"),
            )
        )
    return tuple(result)


@lru_cache(maxsize=1)
def context_verbs() -> tuple[ContextVerb, ...]:
    """The section-less verbs of data/sections.yml (检查, 排查, 办理, 参训 …)."""
    with SECTIONS_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    by_name = {a.name: a for s in sections() for a in s.activities}
    result = []
    for spec in raw.get("context_verbs") or ():
        default = spec.get("default")
        result.append(
            ContextVerb(
                name=str(spec["name"]),
                patterns=tuple(str(p) for p in spec["patterns"]),
                topics=tuple(str(t) for t in spec.get("topics") or ()),
                default=by_name[str(default)] if default else None,
                in_section=tuple(
                    (str(sid), by_name[str(name)])
                    for sid, name in (spec.get("in_section") or {}).items()
                ),
                participants=bool(spec.get("participants", False)),
                any_unit=bool(spec.get("any_unit", False)),
                unit_decides=bool(spec.get("unit_decides", False)),
            )
        )
    return tuple(result)


def short_titles() -> dict[str, str]:
    """Section id -> the short Chinese title used in chat and reminders, in report order."""
    return {s.id: s.short_title for s in sections()}


def section_ids() -> tuple[str, ...]:
    return tuple(s.id for s in sections())


def section_by_id(section_id: str) -> Section | None:
    return _by_id().get(section_id)


@lru_cache(maxsize=1)
def _by_id() -> dict[str, Section]:
    return {s.id: s for s in sections()}


_Meaning = tuple[Activity | None, ContextVerb | None]


@lru_cache(maxsize=1)
def _activity_index() -> tuple[re.Pattern[str], dict[str, _Meaning]]:
    by_pattern: dict[str, _Meaning] = {}
    for section in sections():
        for activity in section.activities:
            for pattern in activity.patterns:
                by_pattern.setdefault(pattern, (activity, None))
    for verb in context_verbs():
        for pattern in verb.patterns:
            by_pattern.setdefault(pattern, (verb.default, verb))
    ordered = sorted(by_pattern, key=len, reverse=True)  # longest phrase wins at a position
    regex = re.compile("|".join(re.escape(p) for p in ordered), re.IGNORECASE)
    return regex, {p.lower(): meaning for p, meaning in by_pattern.items()}


@lru_cache(maxsize=1)
def _frames() -> tuple[tuple[re.Pattern[str], Activity], ...]:
    return tuple(
        (re.compile(frame), activity)
        for section in sections()
        for activity in section.activities
        for frame in activity.frames
    )


_TITLE = re.compile(r"《[^《》]{1,40}》")


def _inside_number(norm: str, start: int, end: int) -> bool:
    return norm[start].isdigit() and (
        (start > 0 and norm[start - 1].isdigit()) or (end < len(norm) and norm[end].isdigit())
    )


def find_activities(text: str) -> list[ActivityMention]:
    """Every activity phrase in `text`, left to right, non-overlapping, longest first."""
    if not text:
        return []
    regex, lookup = _activity_index()
    norm = normalize_width(text)
    framed = [
        ActivityMention(m.start(), m.end(), activity, text[m.start() : m.end()])
        for pattern, activity in _frames()
        for m in pattern.finditer(norm)
    ]
    found = list(framed)
    titles = [t.span() for t in _TITLE.finditer(norm)] if "《" in norm else []
    for m in regex.finditer(norm):
        start, end = m.span()
        if _inside_number(norm, start, end):
            continue  # 12345 inside a phone number is not the hotline
        if any(a < start and end < b for a, b in titles):
            continue  # 会上学习《行政处罚法》: a word inside a document title is not work done
        if any(f.start < end and start < f.end for f in framed):
            continue  # 网上为群众办理: the frame covers the verb inside it
        activity, verb = lookup[m.group().lower()]
        found.append(ActivityMention(start, end, activity, text[start:end], verb))
    if framed:
        found.sort(key=lambda mention: mention.start)
    return found


def resolve_verb(verb: ContextVerb, topic: Activity | None, unit: str | None) -> Activity | None:
    """The activity a context verb's number counts, given the message's topic activity.

    "森林防火 检查路口6个": 检查 follows the topic 森林防火巡查; "安全隐患排查 排查企业10家": 排查
    inside emergency is 排查安全隐患; "应急演练1次 参加群众80人": people go to 参演人数.
    """
    if topic is None or not verb.follows(topic):
        if verb.default is None or unit is None:
            return verb.default
        fallback = activity_for_unit(verb.default, unit)
        if verb.any_unit or unit in fallback.units:
            return fallback
        return None  # 清理垃圾30处 is no rules work
    if verb.participants:
        return activity_for_unit(topic, unit) if unit else topic
    preferred = verb.activity_in(topic.section)
    if preferred is not None and (unit is None or unit in preferred.units):
        return preferred
    if verb.unit_decides and verb.default is not None and unit in verb.default.units:
        return verb.default
    if unit is None or unit in topic.units:
        return topic
    return activity_for_unit(topic, unit)


@lru_cache(maxsize=1)
def _keyword_index() -> tuple[re.Pattern[str], dict[str, str]]:
    by_word: dict[str, str] = {}
    for section in sections():
        for word in section.keywords:
            by_word.setdefault(word, section.id)
    for section in sections():  # activity phrases name their section too ("发放资料多少份")
        for activity in section.activities:
            for pattern in activity.patterns:
                by_word.setdefault(pattern, section.id)
    for verb in context_verbs():  # "今年检查了多少次": a bare verb names its default section
        if verb.default is not None:
            for pattern in verb.patterns:
                by_word.setdefault(pattern, verb.default.section)
    ordered = sorted(by_word, key=len, reverse=True)
    regex = re.compile("|".join(re.escape(w) for w in ordered), re.IGNORECASE)
    return regex, {w.lower(): s for w, s in by_word.items()}


@lru_cache(maxsize=1)
def _id_pattern() -> re.Pattern[str]:
    ids = "|".join(re.escape(i) for i in sorted(section_ids(), key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z_])(?:{ids})(?![A-Za-z_])", re.IGNORECASE)


def find_section_id(text: str) -> str | None:
    """A section named by its own id ("今年digital有多少条", as some people write them)."""
    found = _id_pattern().search(normalize_width(text or ""))
    return found.group().lower() if found else None


def find_section_keyword(text: str) -> str | None:
    """The section a question names (调解 -> disputes); the longest matching word wins."""
    if not text:
        return None
    regex, lookup = _keyword_index()
    best: tuple[int, int, str] | None = None
    norm = normalize_width(text)
    for m in regex.finditer(norm):
        if _inside_number(norm, m.start(), m.end()):
            continue
        candidate = (-(m.end() - m.start()), m.start(), lookup[m.group().lower()])
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else None


def activity_for_unit(activity: Activity, unit: str) -> Activity:
    """The activity a number in `unit` really counts, given the activity phrase before it.

    "干部学法1次 参加42人": people after an activity not counted in people go to the section's
    participant activity (参学人数); "普法宣传2场500份": 份 goes to the section's activity counted
    in 份 (发放宣传资料). Otherwise the phrase's own activity keeps the number.
    """
    if unit in activity.units:
        return activity
    section = section_by_id(activity.section)
    if section is None:
        return activity
    if unit_kind(unit) == "people" and section.participant_activity:
        participant = section.activity(section.participant_activity)
        if participant is not None:
            return participant
    for candidate in section.activities:
        if candidate.default_unit == unit:
            return candidate
    return activity
