"""Turn one chat message into facts, a correction, a progress query and classifier signals.

`extract` computes every reading of the text regardless of intent; the intent classifier decides
later which part is used. Everything is regex work on characters (no jieba), a fraction of a
millisecond per message, and never raises.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TypeVar

from nlu.cues import cue, cue_source
from nlu.dates import DateMention, find_dates
from nlu.numbers import Ordinal, Quantity, find_ordinals, find_quantities, normalize_width
from nlu.periods import find_period
from nlu.places import PlaceMention, find_places
from nlu.result import Correction, Fact, Query
from nlu.sections import (
    Activity,
    ActivityMention,
    activity_for_unit,
    find_activities,
    find_section_keyword,
    resolve_verb,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Span:
    """A Rasa entity: entity is quantity / unit / date / place / activity."""

    start: int
    end: int
    entity: str
    value: str


@dataclass(frozen=True)
class Analysis:
    """The exact readings of a message that learned components build on.

    Numbers, units, dates and places are exact and found by rules; what a number *is* (its
    section, whether it is work done) is learned from data (`nlu.fact_model`)."""

    norm: str
    body_start: int
    quantities: list[Quantity]
    activities: list[ActivityMention]
    dates: list[DateMention]
    places: list[PlaceMention]
    items: list[int]
    clauses: list[tuple[int, int]]
    today: date


@dataclass(frozen=True)
class Extraction:
    """Everything `extract` read from one message.

    `fact_anchors[i]` is where the number (or ordinal) behind `facts[i]` starts in the text."""

    facts: list[Fact] = field(default_factory=list)
    correction: Correction | None = None
    query: Query | None = None
    signals: dict[str, float] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    fact_anchors: list[int] = field(default_factory=list)
    analysis: Analysis | None = None
    error: str | None = None  # the extractor failed: nothing above can be trusted


SIGNAL_NAMES: tuple[str, ...] = (
    "has_quantity",
    "n_quantities",
    "has_unit",
    "has_activity",
    "n_activities",
    "has_fact",
    "n_facts",
    "has_date",
    "has_past_date",
    "has_future_date",
    "has_place",
    "has_past_marker",
    "has_future_marker",
    "has_request_marker",
    "has_question",
    "has_progress_word",
    "has_period_word",
    "has_section_keyword",
    "has_uncovered_phrase",
    "has_correction_word",
    "has_retract_word",
    "has_report_word",
    "has_help_word",
    "has_greet_word",
    "has_thanks_word",
    "has_ack_word",
    "has_phone_or_time",
    "has_meeting_word",
    "has_forward_marker",
    "is_short",
    "has_colleague_mention",
    "has_plan_word",
    "has_record_reference",
)
BOT_NAME = "法治台账"  # an @mention of anyone else addresses a colleague, not the bot
_COUNT_CAP = 5.0
_FAR = 1 << 62
_T = TypeVar("_T")

# --- word lists for signals, corrections and queries -------------------------------------------

_MENTION_PREFIX = re.compile(r"^\s*@[^\s\u2005@]{1,20}[\s\u2005]+")
_CLAUSE_BREAK = re.compile(
    r"[，,。；;、！!？?\n\r\t 　\u2005（）()【】\[\]…~～]|(?<!\d)[.:：]|[.:：](?!\d)"
)
_PAST = cue("past")
_FUTURE = cue("future")
_PLAN = cue("plan")  # plan words that govern the numbers: said before the first quantity
_COLLEAGUE = re.compile(r"(?<![A-Za-z0-9_.])@([^\s@，,。:：;；!！?？]{1,20})")
_RECORD_REFERENCE = cue("record_reference")
_REQUEST = cue("request")
_QUESTION = cue("question")
_PROGRESS = cue("progress")
_PERIODS = tuple(
    (period, cue(f"period_{period}")) for period in ("year", "quarter", "month", "week")
)
_UNCOVERED = cue("uncovered")
_RETRACT = cue("retract")
_CORRECTION = cue("correction")
_REPORT = cue("report")
_HELP = cue("help")
_GREET = cue("greet")
_THANKS = cue("thanks")
_ACK = cue("ack")
_PHONE_OR_TIME = re.compile(
    r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{1,2}[:：]\d{2}|\d{1,2}点(?:半|钟|\d{1,2}分?)?"
    r"|[一二三四五六七八九十两]{1,3}点(?:半|钟)?(?![位])|\d{1,2}时(?:\d{1,2}分)?"
)
_MEETING = cue("meeting")
_FORWARD = cue("forward")


def _flag(pattern: re.Pattern[str], text: str) -> float:
    return 1.0 if pattern.search(text) else 0.0


# --- clauses -------------------------------------------------------------------------------------


def _clauses(norm: str, body_start: int) -> list[tuple[int, int]]:
    """Split at punctuation and spaces; a decimal point or a time colon does not split."""
    bounds: list[tuple[int, int]] = []
    start = body_start
    for brk in _CLAUSE_BREAK.finditer(norm, body_start):
        if brk.start() > start:
            bounds.append((start, brk.start()))
        start = brk.end()
    if start < len(norm):
        bounds.append((start, len(norm)))
    return bounds


def _clause_of(position: int, clauses: list[tuple[int, int]]) -> int:
    index = bisect_right(clauses, (position, _FAR)) - 1
    if index >= 0 and clauses[index][0] <= position < clauses[index][1]:
        return index
    return -1


def _by_clause(items: list[_T], clauses: list[tuple[int, int]]) -> dict[int, list[_T]]:
    """Group mentions by the clause they start in (linear in the message length)."""
    grouped: dict[int, list[_T]] = {}
    for item in items:
        grouped.setdefault(_clause_of(item.start, clauses), []).append(item)  # type: ignore[attr-defined]
    return grouped


# --- facts ---------------------------------------------------------------------------------------


class _Resolver:
    """What each activity mention counts, given the message's topic.

    A plain activity phrase counts itself. A context verb (检查, 排查, 办理, 参训 …) counts for the
    topic: the nearest earlier plain activity phrase in the message ("森林防火 检查路口6个"). In a
    numbered list each item stands alone: a topic from an earlier item does not reach the next
    one, but a topic in the header before the first item heads them all. (Plain lines share
    their topic: "今天\n调解纠纷2件\n网格走访28户".)
    """

    def __init__(self, mentions: list[ActivityMention], items: list[int] | None = None) -> None:
        self._topic: dict[int, Activity | None] = {}
        last: Activity | None = None
        header: Activity | None = None
        item = -1
        for mention in mentions:
            if items:
                current = bisect_right(items, mention.start) - 1
                if current != item:
                    if item == -1:
                        header = last
                    item, last = current, header
            self._topic[mention.start] = last
            if mention.verb is None and mention.activity is not None:
                last = mention.activity

    def __call__(self, mention: ActivityMention, unit: str | None) -> Activity | None:
        if mention.verb is None:
            return mention.activity
        return resolve_verb(mention.verb, self._topic.get(mention.start), unit)


def _fits(activity: Activity | None, unit: str | None) -> bool:
    return activity is not None and (unit is None or unit in activity.units)


def _choose_activity(
    quantity: Quantity,
    in_clause: list[ActivityMention],
    resolve: _Resolver,
) -> tuple[ActivityMention, Activity | None] | None:
    """The activity phrase a number belongs to inside its clause (before it, else right after)."""
    before = [m for m in in_clause if m.end <= quantity.start]
    after = [m for m in in_clause if m.start >= quantity.end]
    unit = quantity.unit
    for mention in reversed(before):  # 数字平台录入矛盾纠纷信息20条: the channel outranks the topic
        if mention.channel and _fits(mention.activity, unit):
            return mention, mention.activity
    if before:
        chosen = before[-1]
        activity = resolve(chosen, unit)
        if unit and not _fits(activity, unit) and after:
            following = after[0]
            following_activity = resolve(following, unit)
            if following.start - quantity.end <= 4 and _fits(following_activity, unit):
                # 普法时发现3起纠纷: 起 counts the disputes, not the publicity
                return following, following_activity
        return chosen, activity
    if after:
        return after[0], resolve(after[0], unit)  # 3件矛盾纠纷已调解
    return None


# A number that counts the person helped, not the work: 帮一个农民工申请了法律援助1件
_PERSON_WORDS = f"(?:{cue_source('person_words')})"
_PERSON_OBJECT = re.compile(_PERSON_WORDS)
# After a helping verb (帮一名讨薪农民工, 为两位进城务工人员) a short modifier may come first.
_HELPED_PERSON = re.compile(r"[^\s，,。；;:：\d]{0,5}?" + _PERSON_WORDS)
_HELPING_VERB = cue("helping_verb")
_PERSON_UNITS = frozenset({"个", "名", "位", "户", "人", "家"})
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
_WORK_AFTER_PERSON = 16  # the counted work follows the person within this many characters


def _counts_a_person(quantity: Quantity, norm: str, later: list[Quantity]) -> bool:
    """True for 帮一名农民工 when the work is counted after the person in the same sentence."""
    if quantity.unit not in _PERSON_UNITS:
        return False
    helped = _HELPING_VERB.search(norm, max(0, quantity.start - 2), quantity.start) is not None
    person = (_HELPED_PERSON if helped else _PERSON_OBJECT).match(norm, quantity.end)
    if person is None:
        return False
    for other in later:
        gap = norm[quantity.end : other.start]
        if other.start - person.end() > _WORK_AFTER_PERSON or _SENTENCE_END.search(gap):
            return False
        if other.unit is not None and other.unit not in _PERSON_UNITS:
            return True
    return False


def _fact_date(
    position: int,
    clause: tuple[int, int],
    dates: list[DateMention],
    today: date,
    clauses: list[tuple[int, int]],
) -> date:
    """The day governing a clause: one written in it, else the nearest earlier one, else today.
    A period dated by its first day (8月份, 国庆期间) gives way to a day written in the same
    clause or right after it ("6月份的学法日今天搞了", "今天把一季度的公开传上去了，共36条")."""
    in_clause = [d for d in dates if clause[0] <= d.start < clause[1]]
    strong = [d for d in in_clause if not d.weak]
    fine = [d for d in strong if not d.coarse]
    if strong or in_clause:
        pool = fine or strong or in_clause
        earlier = [d for d in pool if d.start <= position]
        return (earlier[-1] if earlier else pool[0]).date
    earlier = [d for d in dates if d.end <= clause[0]]
    if earlier:
        strong_earlier = [d for d in earlier if not d.weak]
        chosen = (strong_earlier or earlier)[-1]
        if chosen.coarse:
            own = _clause_of(chosen.start, clauses)
            days = [
                d for d in strong_earlier if not d.coarse and _clause_of(d.start, clauses) == own
            ]
            if days:
                return days[-1].date
            next_fine = [d for d in dates if d.start >= clause[1] and not d.weak and not d.coarse]
            if next_fine and next_fine[0].start - clause[1] <= 2:
                return next_fine[0].date
        return chosen.date
    later = [d for d in dates if not d.weak]
    return later[0].date if later else today


# An explicit list item starts with a marker (1. 2、 ① 一、 (1)) at the start of the text or after
# a line break, a space or a colon.
_LIST_MARKER = re.compile(
    r"(?:^|(?<=[\n\r\s:：;；。]))[ \t]*(?:\d{1,2}[.、)）](?!\d)|[①-⑳]"
    r"|[一二三四五六七八九十]{1,2}、|[(（](?:\d{1,2}|[一二三四五六七八九十]{1,2})[)）])"
)
_LINE_START = re.compile(r"(?<=\n)[^\n]")


def _list_items(norm: str, body_start: int, quantities: list[Quantity]) -> tuple[list[int], bool]:
    """Where the items of a list start ([] when the message is not a list), and whether numbered.

    A list has two or more numbered items (1. 2. / ① ② / 一、二、), or two or more lines that
    each report a number. Each item stands alone for its date (annotation guide).
    """
    markers = [m.start() for m in _LIST_MARKER.finditer(norm, body_start)]
    lines = [body_start] + [m.start() for m in _LINE_START.finditer(norm, body_start)]
    if len(markers) >= 2:
        return sorted(set(markers) | {s for s in lines if s > markers[0]}), True
    line_ends = lines[1:] + [len(norm)]
    counted = [
        start
        for start, end in zip(lines, line_ends, strict=True)
        if any(start <= q.start < end for q in quantities)
    ]
    if len(counted) < 2:
        return [], False
    return [s for s in lines if s >= counted[0]], False


def _dates_in_scope(position: int, items: list[int], dates: list[DateMention]) -> list[DateMention]:
    """The dates that may govern a number: in a list, those of its own item, else the header's.

    "本周工作小结：1. 周一调解纠纷2件 2. … 3. 便民服务中心办件56件": item 3 names no day, so it is
    dated `now`, not 周一; a date written before the first item ("今天\n调解2件\n接待4人次") heads
    every item.
    """
    if not items or position < items[0]:
        return dates
    index = bisect_right(items, position) - 1
    end = items[index + 1] if index + 1 < len(items) else _FAR
    own = [d for d in dates if items[index] <= d.start < end]
    return own or [d for d in dates if d.start < items[0]]


def _message_place(places: list[PlaceMention]) -> PlaceMention | None:
    """One place applies to the whole message: the first village-level one, else the first."""
    if not places:
        return None
    villages = [p for p in places if p.level >= 2]
    return (villages or places)[0]


def _fact_place(position: int, places: list[PlaceMention], default: str | None) -> str | None:
    """With several places named ("白岩村调解2件 石门村调解1件"), a fact takes the last one
    written before its number; otherwise the message's one place applies to every fact."""
    if len(places) < 2:
        return default
    before = [p for p in places if p.start <= position]
    return before[-1].name if before else default


_CARRY_PEOPLE_GAP = 2  # a bare "参加42人" may follow its activity by at most this many clauses


def _build_facts(
    norm: str,
    body_start: int,
    quantities: list[Quantity],
    activities: list[ActivityMention],
    dates: list[DateMention],
    places: list[PlaceMention],
    today: date,
) -> tuple[list[Fact], list[int]]:
    clauses = _clauses(norm, body_start)
    items, numbered = _list_items(norm, body_start, quantities)
    place = _message_place(places)
    place_name = place.name if place else None
    resolve = _Resolver(activities, items if numbered else None)
    facts: list[Fact] = []
    anchors: list[int] = []
    used_mentions: set[int] = set()
    last_activity: tuple[int, Activity] | None = None  # (clause index, activity)
    activities_by_clause = _by_clause(activities, clauses)
    quantities_by_clause = _by_clause(quantities, clauses)
    for index, clause in enumerate(clauses):
        in_clause = activities_by_clause.get(index, [])
        clause_quantities = quantities_by_clause.get(index, [])
        for quantity in clause_quantities:
            if _counts_a_person(quantity, norm, [q for q in quantities if q.start > quantity.end]):
                continue
            choice = _choose_activity(quantity, in_clause, resolve)
            activity: Activity | None
            if choice is not None:
                mention, activity = choice
                used_mentions.add(mention.start)
            elif (
                last_activity is not None
                and quantity.unit is not None
                and index - last_activity[0] <= _CARRY_PEOPLE_GAP
                and not in_clause
            ):
                activity = last_activity[1]  # 组织干部学法1次 参加42人
            else:
                continue
            if activity is None:
                continue  # 修改3件 with no topic: a verb alone is not work
            unit = quantity.unit or activity.default_unit
            activity = activity_for_unit(activity, unit)
            anchors.append(quantity.start)
            facts.append(
                Fact(
                    section=activity.section,
                    activity=activity.name,
                    value=quantity.value,
                    unit=unit,
                    date=_fact_date(
                        quantity.start,
                        clause,
                        _dates_in_scope(quantity.start, items, dates),
                        today,
                        clauses,
                    ),
                    place=_fact_place(quantity.start, places, place_name),
                )
            )
        if in_clause:
            resolved = resolve(in_clause[-1], None)
            if resolved is not None:
                last_activity = (index, resolved)
    for anchor, fact in _ordinal_facts(
        norm, activities, resolve, used_mentions, clauses, dates, today, place_name
    ):
        anchors.append(anchor)
        facts.append(fact)
    return facts, anchors


_ORDINAL_EVENT = cue("ordinal_event")


def _ordinal_activity(
    norm: str, ordinal: Ordinal, activities: list[ActivityMention], used: set[int]
) -> ActivityMention | None:
    following = next(
        (m for m in activities if 0 <= m.start - ordinal.end <= 6 and m.start not in used),
        None,
    )
    if following is not None or not _ORDINAL_EVENT.match(norm, ordinal.end):
        return following
    return next(
        (
            m
            for m in reversed(activities)
            if 0 <= ordinal.start - m.end <= 1 and m.start not in used
        ),
        None,
    )


def _ordinal_facts(
    norm: str,
    activities: list[ActivityMention],
    resolve: _Resolver,
    used_mentions: set[int],
    clauses: list[tuple[int, int]],
    dates: list[DateMention],
    today: date,
    place_name: str | None,
) -> list[tuple[int, Fact]]:
    """第3次党委会 -> the meeting itself is one fact of 1 次 (the ordinal is never a value).

    The activity follows the ordinal (第3次党委会), or names the body whose meeting it is, right
    before it (依法治镇委员会第一次全体会议); a bare episode title (普法小课堂第12期) is no fact.
    """
    facts = []
    for ordinal in find_ordinals(norm):
        following = _ordinal_activity(norm, ordinal, activities, used_mentions)
        if following is None:
            continue
        index = _clause_of(ordinal.start, clauses)
        if index < 0 or _clause_of(following.start, clauses) != index:
            continue
        activity = resolve(following, None)
        if activity is None:
            continue
        unit = ordinal.unit  # 第3次集中拆除行动 -> 1 次 (the action), whatever the activity counts
        activity = activity_for_unit(activity, unit)
        used_mentions.add(following.start)
        facts.append(
            (
                ordinal.start,
                Fact(
                    section=activity.section,
                    activity=activity.name,
                    value=1.0,
                    unit=unit,
                    date=_fact_date(ordinal.start, clauses[index], dates, today, clauses),
                    place=place_name,
                ),
            )
        )
    return facts


def date_at(analysis: Analysis, position: int) -> date:
    """The day of the work written at `position`, by the guide's date rules."""
    index = _clause_of(position, analysis.clauses)
    clause = analysis.clauses[index] if index >= 0 else (position, position + 1)
    scope = _dates_in_scope(position, analysis.items, analysis.dates)
    return _fact_date(position, clause, scope, analysis.today, analysis.clauses)


def place_at(analysis: Analysis, position: int) -> str | None:
    """The place of the work written at `position` (the message's place, or its clause's)."""
    place = _message_place(analysis.places)
    return _fact_place(position, analysis.places, place.name if place else None)


# --- correction and query ------------------------------------------------------------------------


def _correction(norm: str, quantities: list[Quantity]) -> Correction | None:
    fix = _CORRECTION.search(norm)
    retract = _RETRACT.search(norm)
    if fix:
        after = [q for q in quantities if q.start >= fix.start()]
        chosen = after[0] if after else (quantities[-1] if quantities else None)
        if chosen is not None:
            return Correction(value=chosen.value, unit=chosen.unit)
    if retract:
        return Correction(retract=True)
    if fix:
        return Correction(value=None)  # "写错了" with no number: the bot should ask for it
    return None


def _period(norm: str) -> str | None:
    best: tuple[int, str] | None = None
    for period, pattern in _PERIODS:
        found = pattern.search(norm)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), period)
    return best[1] if best else None


def query_period(norm: str, today: date) -> Query:
    """A query holding only the period the text names (nlu.periods): its coarse kind and days."""
    found = find_period(norm, today)
    if found is None:
        return Query()
    return Query(period=found.coarse, dates=found)  # type: ignore[arg-type]


def _query(
    norm: str, today: date, uncovered: bool, question: bool, progress: bool
) -> Query | None:
    """The lexicon's reading of a question (the learned reader in nlu.fact_model decides the
    section and `uncovered` when the model is trained)."""
    if not (uncovered or question or progress):
        return None
    section = None if uncovered else find_section_keyword(norm)
    return replace(query_period(norm, today), section=section, uncovered=uncovered)


# --- spans ---------------------------------------------------------------------------------------


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def _spans(
    quantities: list[Quantity],
    activities: list[ActivityMention],
    dates: list[DateMention],
    places: list[PlaceMention],
) -> list[Span]:
    spans: list[Span] = []
    for q in quantities:
        spans.append(Span(q.start, q.number_end, "quantity", _plain(q.value)))
        if q.unit and q.unit_start < q.end:
            spans.append(Span(q.unit_start, q.end, "unit", q.unit))
    spans.extend(Span(d.start, d.end, "date", d.date.isoformat()) for d in dates)
    spans.extend(Span(p.start, p.end, "place", p.name) for p in places)
    spans.extend(Span(m.start, m.end, "activity", m.name) for m in activities)
    spans.sort(key=lambda s: (s.start, s.end))
    return spans


# --- entry point ---------------------------------------------------------------------------------


def empty_signals() -> dict[str, float]:
    return dict.fromkeys(SIGNAL_NAMES, 0.0)


def extract(text: str, now: datetime, bot_name: str = BOT_NAME) -> Extraction:
    """Read one message: facts, correction, query, signals, entity spans. Never raises:
    a failure is logged and returned as `error`, so the message goes to review instead of
    being read as chatter with no facts."""
    try:
        return _extract(text, now, bot_name)
    except Exception as exc:  # reported below and on the result, never swallowed
        log.exception("extractor failed", extra={"text": (text or "")[:200]})
        return Extraction(signals=empty_signals(), error=f"{type(exc).__name__}: {exc}"[:500])


def _overlaps(start: int, end: int, others: list[tuple[int, int]]) -> bool:
    return any(start < o_end and o_start < end for o_start, o_end in others)


def _mentions_colleague(norm: str, bot_name: str) -> bool:
    """An @mention of someone other than the bot (@张主任, @王姐)."""
    return any(not m.group(1).startswith(bot_name) for m in _COLLEAGUE.finditer(norm))


def _plan_before_work(body: str, quantities: list[Quantity], body_start: int) -> bool:
    """A plan word before the first number (计划下周开展普法2场), or anywhere without numbers."""
    plan = _PLAN.search(body)
    if plan is None:
        return False
    return not quantities or plan.start() + body_start < quantities[0].start


def _extract(text: str, now: datetime, bot_name: str = BOT_NAME) -> Extraction:
    if not isinstance(text, str) or not text.strip():
        return Extraction(signals=empty_signals())
    norm = normalize_width(text)
    today = now.date()
    prefix = _MENTION_PREFIX.match(norm)
    body_start = prefix.end() if prefix else 0
    body = norm[body_start:]

    dates = [d for d in find_dates(text, now) if d.start >= body_start]
    places = [p for p in find_places(text) if p.start >= body_start]
    activities = [m for m in find_activities(text) if m.start >= body_start]
    taken = [(d.start, d.end) for d in dates] + [(p.start, p.end) for p in places]
    quantities = [
        q
        for q in find_quantities(text)
        if q.start >= body_start and not _overlaps(q.start, q.end, taken)
    ]

    facts, anchors = _build_facts(norm, body_start, quantities, activities, dates, places, today)
    uncovered = bool(_UNCOVERED.search(body))
    question = bool(_QUESTION.search(body))
    progress = bool(_PROGRESS.search(body))
    correction = _correction(body, [q for q in quantities])
    query = _query(body, today, uncovered, question, progress)

    stripped = body.strip()
    signals = empty_signals()
    signals.update(
        has_quantity=float(bool(quantities)),
        n_quantities=min(float(len(quantities)), _COUNT_CAP),
        has_unit=float(any(q.unit for q in quantities)),
        has_activity=float(bool(activities)),
        n_activities=min(float(len(activities)), _COUNT_CAP),
        has_fact=float(bool(facts)),
        n_facts=min(float(len(facts)), _COUNT_CAP),
        has_date=float(bool(dates)),
        has_past_date=float(any(d.date < today for d in dates)),
        has_future_date=float(any(d.date > today for d in dates)),
        has_place=float(bool(places)),
        has_past_marker=_flag(_PAST, body),
        has_future_marker=_flag(_FUTURE, body),
        has_request_marker=_flag(_REQUEST, body),
        has_question=float(question),
        has_progress_word=float(progress),
        has_period_word=float(_period(body) is not None),
        has_section_keyword=float(find_section_keyword(body) is not None),
        has_uncovered_phrase=float(uncovered),
        has_correction_word=_flag(_CORRECTION, body),
        has_retract_word=_flag(_RETRACT, body),
        has_report_word=_flag(_REPORT, body),
        has_help_word=_flag(_HELP, body),
        has_greet_word=_flag(_GREET, body),
        has_thanks_word=_flag(_THANKS, body),
        has_ack_word=float(bool(_ACK.match(stripped))),
        has_phone_or_time=_flag(_PHONE_OR_TIME, body),
        has_meeting_word=_flag(_MEETING, body),
        has_forward_marker=_flag(_FORWARD, body),
        is_short=float(len(stripped) <= 4),
        has_colleague_mention=float(_mentions_colleague(norm, bot_name or BOT_NAME)),
        has_plan_word=float(_plan_before_work(body, quantities, body_start)),
        has_record_reference=_flag(_RECORD_REFERENCE, body),
    )
    return Extraction(
        facts=facts,
        correction=correction,
        query=query,
        signals=signals,
        spans=_spans(quantities, activities, dates, places),
        fact_anchors=anchors,
        analysis=Analysis(
            norm=norm,
            body_start=body_start,
            quantities=quantities,
            activities=activities,
            dates=dates,
            places=places,
            items=_list_items(norm, body_start, quantities)[0],
            clauses=_clauses(norm, body_start),
            today=today,
        ),
    )
