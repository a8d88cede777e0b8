"""The learned fact model: what each number is, and which work a message reports without one.

Exact readers (numbers, units, dates, places, the lexicon) find the candidates; linear models
trained on the labelled corpus (`nlu.corpus`) decide:

- for each number: work done in a section (`new:disputes`), a standing number (`stock:…`), a
  part of a total already counted, a running total, a target, a plan, or nothing at all;
- for each sentence: whether it reports work with no digit, and which (section and measure word:
  "今天开了党委会" → leadership, 1 次), so two events in one message are two facts;
- for a correction: whether it withdraws, restates or changes a figure by a number, and which
  number it takes ("少算了5条" → +5);
- for a progress question: which section it asks about (or none: all of them), and whether it
  asks which sections have no records. Its period is read by rules (`nlu.periods`).

It replaces the rule reader's facts on the message (`nlu.components.EXTRACTION_KEY`) and, when a
message said to log work holds only figures that are not work done, its intent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components import (
    DEFAULT_TIMEZONE,
    EXTRACTION_KEY,
    TRAINING_NOW,
    extraction_of,
    message_now,
)
from nlu.corpus import LABELS_KEY, NOT_WORK_ROLES
from nlu.cues import cue
from nlu.fact_features import (
    correction_features,
    event_segments,
    quantity_features,
    query_features,
    segment_features,
)
from nlu.facts import Analysis, Extraction, date_at, place_at, query_period
from nlu.linear import LinearModel
from nlu.numbers import Quantity, normalize_width, same_measure
from nlu.result import Correction, Fact, Query
from nlu.sections import Activity, activity_for_unit, section_by_id
from nlu.stored import StoredModelComponent

log = logging.getLogger(__name__)

QUANTITY_FILE = "quantities.npz"
EVENT_FILE = "event_segments.npz"
EVENT_KIND_FILE = "event_kinds.npz"
CORRECTION_FILE = "corrections.npz"
CORRECTION_NUMBER_FILE = "correction_numbers.npz"
QUERY_SECTION_FILE = "query_sections.npz"
QUERY_UNCOVERED_FILE = "query_uncovered.npz"
PEOPLE_FILE = "people_counts.npz"
PEOPLE = "人"
COUNTED_WITH_GE = "个"
UNCOVERED = "uncovered"
EVENT = "event"
NONE = "none"
WORK_PREFIXES = ("new:", "stock:")


def rule_readings(extraction: Extraction) -> dict[int, tuple[str, str]]:
    """The lexicon's reading of each number: start -> (section, activity)."""
    return {
        anchor: (fact.section, fact.activity)
        for anchor, fact in zip(extraction.fact_anchors, extraction.facts, strict=False)
    }


def _occurrences(norm: str, span: str) -> list[tuple[int, int]]:
    span = normalize_width(span)
    found, start = [], norm.find(span)
    while start >= 0 and span:
        found.append((start, start + len(span)))
        start = norm.find(span, start + 1)
    return found


Event = tuple[str, str, int]  # section, unit, where its words start (-1: not found)


def _article(quantity: Quantity, item: dict[str, Any]) -> bool:
    """Is `quantity` one thing in a measure the labelled fact does not count in (一起, 一堂, 一趟
    for a fact of 1次 or 1场)? 个 is not: a head count written with 个 is the fact's own number."""
    unit = item.get("unit")
    return (
        "section" in item
        and item.get("value") == 1
        and quantity.value == 1
        and quantity.unit not in (None, unit, COUNTED_WITH_GE)
        and isinstance(unit, str)
        and not same_measure(quantity.unit, unit)
    )


def training_labels(analysis: Analysis, labels: dict[str, Any]) -> tuple[list[str], list[Event]]:
    """The class of each number of the message and its digitless events.

    A labelled figure claims the number its span overlaps (the one of the same value first); a
    fact whose span overlaps no number is an event, found where its words are. So is one whose
    only number is a single thing in another measure, an article rather than a count: "旁听了一起
    行政诉讼案庭审" is 1次 of study, "上了一堂法治课" 1场, "巡了一趟" 1次; the 起, 堂 and 趟 are
    not what the ledger counts, so the number is no figure and the work is learned as an event."""
    classes = [NONE] * len(analysis.quantities)
    events: list[Event] = []
    items: list[tuple[dict[str, Any], str]] = []
    for fact in labels.get("facts") or []:
        role = fact.get("role", "new")
        label = f"{role}:{fact['section']}" if role in ("new", "stock") else role
        items.append((fact, label))
    for other in labels.get("other_numbers") or []:
        role = other.get("role")
        items.append((other, role if role in NOT_WORK_ROLES else NONE))
    for item, label in items:
        found = _occurrences(analysis.norm, item["span"])
        overlapping = [
            i
            for i, q in enumerate(analysis.quantities)
            for start, end in found
            if q.start < end and start < q.end and classes[i] == NONE
            and not _article(q, item)
        ]
        if overlapping:
            value = item.get("value")
            same = [
                i
                for i in overlapping
                if value is not None and analysis.quantities[i].value == value
            ]
            classes[(same or overlapping)[0]] = label
        elif "section" in item and label.startswith(WORK_PREFIXES):
            events.append((item["section"], item["unit"], found[0][0] if found else -1))
    return classes, events


def people_labels(analysis: Analysis, labels: dict[str, Any]) -> dict[int, str]:
    """For each number written with 个 that a labelled fact counts, whether it counts people
    ("来了二十几个", "我们村去了七个": 人) or things ("建成广场1个": 个), by the fact's unit."""
    found: dict[int, str] = {}
    for fact in labels.get("facts") or []:
        unit = fact.get("unit")
        if unit not in (PEOPLE, COUNTED_WITH_GE):
            continue
        for start, end in _occurrences(analysis.norm, fact["span"]):
            for index, quantity in enumerate(analysis.quantities):
                overlaps = quantity.start < end and start < quantity.end
                if overlaps and quantity.unit == COUNTED_WITH_GE:
                    found.setdefault(index, unit)
    return found


def correction_labels(
    analysis: Analysis, correction: dict[str, Any] | None
) -> tuple[str, list[str]] | None:
    """What a labelled correction does (retract / value / delta) and each number's part in it
    (value, plus, minus, other); None when the label names no kind."""
    if not isinstance(correction, dict):
        return None
    classes = ["other"] * len(analysis.quantities)
    if correction.get("retract"):
        return "retract", classes
    kind, target = "value", correction.get("value")
    if correction.get("delta") is not None:
        kind, target = "delta", correction["delta"]
    if target is None:
        return kind, classes
    number = abs(float(target))
    role = "value" if kind == "value" else ("plus" if float(target) > 0 else "minus")
    for index, quantity in enumerate(analysis.quantities):
        if abs(quantity.value - number) < 1e-9:
            classes[index] = role
            break
    return kind, classes


def segment_labels(segments: list[tuple[int, int]], events: list[Event]) -> list[str] | None:
    """`section|unit` for each segment that holds an event's words, else `none`; None when an
    event's words cannot be found (the message then teaches nothing about events)."""
    labels = [NONE] * len(segments)
    for section, unit, start in events:
        index = next((i for i, (a, b) in enumerate(segments) if a <= start < b), -1)
        if index < 0:
            return None
        if labels[index] == NONE:
            labels[index] = f"{section}|{unit}"
    return labels


def reading_of(row: Any, classes: list[str]) -> tuple[str, float, float]:
    """What a number is, decided role first: the role (work done, stock, a part, a running
    total, none …) whose readings are likeliest together, then that role's likeliest section.

    A number of unfamiliar work ("采伐1件") spreads its probability over several sections, so
    its likeliest single label may be `none` while work done is likelier than not. Returns
    the label, the role's probability and the label's own (the fact's confidence)."""
    by_role: dict[str, float] = defaultdict(float)
    for probability, label in zip(row, classes, strict=True):
        by_role[label.partition(":")[0]] += float(probability)
    role = max(by_role, key=by_role.__getitem__)
    index = max(
        (i for i, label in enumerate(classes) if label.partition(":")[0] == role),
        key=lambda i: row[i],
    )
    return classes[index], by_role[role], float(row[index])


def _section_activity(section_id: str, unit: str) -> Activity | None:
    section = section_by_id(section_id)
    if section is None or not section.activities:
        return None
    return next((a for a in section.activities if unit in a.units), section.activities[0])


def activity_at(analysis: Analysis, section_id: str, unit: str, position: int) -> Activity | None:
    """The named work of `section_id` nearest before `position` (else after), else the
    section's own activity for the unit."""
    mentions = [m for m in analysis.activities if m.activity and m.activity.section == section_id]
    before = [m for m in mentions if m.start <= position]
    chosen = before[-1] if before else (mentions[0] if mentions else None)
    if chosen is not None and chosen.activity is not None:
        return activity_for_unit(chosen.activity, unit)
    return _section_activity(section_id, unit)


Sample = tuple[Extraction, "dict[str, Any] | None", "str | None"]  # labels, intent


@dataclass(frozen=True)
class QueryReader:
    """What a progress question asks, learned from the corpus's labelled `query`: its section
    (or `none`: all of them) and whether it asks which sections lack records. The period is
    read by rules (`nlu.periods`)."""

    sections: LinearModel
    uncovered: LinearModel

    @staticmethod
    def example(
        extraction: Extraction, labels: dict[str, Any] | None, intent: str | None
    ) -> tuple[list[str], str, str] | None:
        """Features, section class and uncovered class of a labelled question, else None."""
        asked = (labels or {}).get("query")
        if intent != "query_progress" or not isinstance(asked, dict) or not extraction.analysis:
            return None
        return (
            query_features(extraction, extraction.analysis),
            asked.get("section") or NONE,
            UNCOVERED if asked.get("uncovered") else NONE,
        )

    @classmethod
    def fit(
        cls, examples: list[tuple[list[str], str, str]], c: float, min_count: int
    ) -> QueryReader | None:
        rows = [row for row, _, _ in examples]
        sections = [section for _, section, _ in examples]
        uncovered = [flag for _, _, flag in examples]
        if len(set(sections)) < 2 or len(set(uncovered)) < 2:
            return None
        return cls(
            sections=LinearModel.fit(rows, sections, c=c, min_count=min_count),
            uncovered=LinearModel.fit(rows, uncovered, c=c, min_count=min_count),
        )

    def save(self, folder: Path) -> None:
        self.sections.save(folder / QUERY_SECTION_FILE)
        self.uncovered.save(folder / QUERY_UNCOVERED_FILE)

    @classmethod
    def load(cls, folder: Path) -> QueryReader | None:
        if not (folder / QUERY_SECTION_FILE).is_file():
            return None  # a model trained before questions were learned
        return cls(
            sections=LinearModel.load(folder / QUERY_SECTION_FILE),
            uncovered=LinearModel.load(folder / QUERY_UNCOVERED_FILE),
        )

    def read(self, extraction: Extraction, analysis: Analysis) -> Query:
        """The question: the learned section and `uncovered`, the period the rules read."""
        row = [query_features(extraction, analysis)]
        sections = self.sections.scores(row)[0]
        section = self.sections.classes[int(sections.argmax())]
        uncovered = self.uncovered.scores(row)[0]
        asks_uncovered = self.uncovered.classes[int(uncovered.argmax())] == UNCOVERED
        base = extraction.query or query_period(
            analysis.norm[analysis.body_start :], analysis.today
        )
        return replace(base, section=None if section == NONE else section, uncovered=asks_uncovered)


@dataclass(frozen=True)
class FactModels:
    """The three trained models and the event threshold; pure, so benches can fit and read
    without Rasa's graph."""

    quantities: LinearModel
    events: LinearModel  # a segment reports digitless work, or not
    event_kinds: LinearModel  # which: `section|unit`
    event_threshold: float
    corrections: LinearModel  # what a correction does: retract / value / delta
    correction_numbers: LinearModel  # each number's part in it: value / plus / minus / other
    # A number whose best reading is less likely than this is not read as a fact at all
    number_floor: float = 0.0
    questions: QueryReader | None = None  # what a progress question asks
    # whether a number written with 个 counts people (then it is in 人, as the contract says)
    people: LinearModel | None = None

    @classmethod
    def fit(cls, samples: Iterable[Sample], config: dict[str, Any]) -> FactModels | None:
        """Train on corpus lines (with labels) and Rasa YAML examples (without: their numbers
        take the lexicon's reading in a log and none in chatter; their events are unknown, so
        only chatter teaches the event models from them)."""
        q_rows: list[list[str]] = []
        q_labels: list[str] = []
        e_rows: list[list[str]] = []
        e_labels: list[str] = []
        c_rows: list[list[str]] = []
        c_labels: list[str] = []
        n_rows: list[list[str]] = []
        n_labels: list[str] = []
        questions: list[tuple[list[str], str, str]] = []
        p_rows: list[list[str]] = []
        p_labels: list[str] = []
        for extraction, labels, intent in samples:
            analysis = extraction.analysis
            if analysis is None:
                continue
            question = QueryReader.example(extraction, labels, intent)
            if question is not None:
                questions.append(question)
            rules = rule_readings(extraction)
            if labels:
                classes, events = training_labels(analysis, labels)
            else:
                classes = [
                    f"new:{rules[q.start][0]}"
                    if intent == "log_activity" and q.start in rules
                    else NONE
                    for q in analysis.quantities
                ]
                events = []
            rows = [
                quantity_features(extraction, analysis, i, rules.get(q.start))
                for i, q in enumerate(analysis.quantities)
            ]
            q_rows.extend(rows)
            q_labels.extend(classes)
            if labels:
                for index, unit in people_labels(analysis, labels).items():
                    p_rows.append(rows[index])
                    p_labels.append(unit)
            corrected = correction_labels(analysis, (labels or {}).get("correction"))
            if intent == "correct_last" and corrected is not None:
                c_rows.append(correction_features(extraction, analysis))
                c_labels.append(corrected[0])
                n_rows.extend(rows)
                n_labels.extend(corrected[1])
            if not labels and intent == "log_activity":
                continue
            segments = event_segments(analysis)
            kinds = segment_labels(segments, events)
            if kinds is None:
                continue
            for index, kind in enumerate(kinds):
                e_rows.append(segment_features(extraction, analysis, segments, index, rules))
                e_labels.append(kind)
        positives = [
            (row, kind) for row, kind in zip(e_rows, e_labels, strict=True) if kind != NONE
        ]
        if (
            not q_rows
            or len({kind for _, kind in positives}) < 2
            or len(set(c_labels)) < 2
            or len(set(n_labels)) < 2
        ):
            log.warning("no labelled corpus found; the fact model is empty")
            return None
        c, event_c, min_count = config["C"], config["event_C"], config["min_count"]
        normalized = bool(config["normalized"])
        return cls(
            quantities=LinearModel.fit(
                q_rows, q_labels, c=c, min_count=min_count, normalized=normalized
            ),
            events=LinearModel.fit(
                e_rows,
                [EVENT if k != NONE else NONE for k in e_labels],
                c=event_c,
                min_count=min_count,
                normalized=normalized,
            ),
            event_kinds=LinearModel.fit(
                [row for row, _ in positives],
                [kind for _, kind in positives],
                c=event_c,
                min_count=min_count,
                normalized=normalized,
            ),
            event_threshold=float(config["event_threshold"]),
            corrections=LinearModel.fit(c_rows, c_labels, c=c, min_count=min_count),
            correction_numbers=LinearModel.fit(n_rows, n_labels, c=c, min_count=min_count),
            number_floor=float(config["number_floor"]),
            questions=QueryReader.fit(questions, float(config["query_C"]), min_count),
            people=(
                LinearModel.fit(p_rows, p_labels, c=c, min_count=min_count, normalized=normalized)
                if len(set(p_labels)) == 2
                else None
            ),
        )

    def save(self, folder: Path) -> None:
        self.quantities.save(folder / QUANTITY_FILE)
        self.events.save(folder / EVENT_FILE)
        self.event_kinds.save(folder / EVENT_KIND_FILE)
        self.corrections.save(folder / CORRECTION_FILE)
        self.correction_numbers.save(folder / CORRECTION_NUMBER_FILE)
        if self.questions is not None:
            self.questions.save(folder)
        if self.people is not None:
            self.people.save(folder / PEOPLE_FILE)

    @classmethod
    def load(cls, folder: Path, config: dict[str, Any]) -> FactModels:
        return cls(
            quantities=LinearModel.load(folder / QUANTITY_FILE),
            events=LinearModel.load(folder / EVENT_FILE),
            event_kinds=LinearModel.load(folder / EVENT_KIND_FILE),
            event_threshold=float(config["event_threshold"]),
            corrections=LinearModel.load(folder / CORRECTION_FILE),
            correction_numbers=LinearModel.load(folder / CORRECTION_NUMBER_FILE),
            number_floor=float(config["number_floor"]),
            questions=QueryReader.load(folder),
            people=(  # models trained before people were learned have none
                LinearModel.load(folder / PEOPLE_FILE)
                if (folder / PEOPLE_FILE).is_file()
                else None
            ),
        )

    def read(
        self, extraction: Extraction, analysis: Analysis, intent: str | None = None
    ) -> Extraction:
        """The extraction with the learned facts (and figures that are not work) in place; the
        correction is read only when the intent is unknown or correct_last."""
        facts: list[Fact] = []
        anchors: list[int] = []
        others: list[Fact] = []
        rules = rule_readings(extraction)
        rule_facts = dict(zip(extraction.fact_anchors, extraction.facts, strict=False))
        rows = [  # each number's features, for what it is and for its part in a correction
            quantity_features(extraction, analysis, i, rules.get(q.start))
            for i, q in enumerate(analysis.quantities)
        ]
        if rows:
            scores = self.quantities.scores(rows)
            people = self._counts_people(analysis, rows)
            for index, (quantity, row) in enumerate(zip(analysis.quantities, scores, strict=True)):
                label, sure, confidence = reading_of(row, self.quantities.classes)
                if label == NONE or sure < self.number_floor:
                    continue  # not work, or no reading the model stands behind
                role, _, section = label.partition(":")
                section = section or (rules.get(quantity.start) or ("", ""))[0]
                if not section:
                    continue
                rule_fact = rule_facts.get(quantity.start)
                if index in people:
                    quantity, rule_fact = replace(quantity, unit=PEOPLE), None
                fact = _number_fact(analysis, rule_fact, section, quantity, role)
                if fact is None:
                    continue
                fact = replace(fact, confidence=confidence)
                if role in NOT_WORK_ROLES:
                    others.append(fact)
                else:
                    facts.append(fact)
                    anchors.append(quantity.start)
        for position, fact in self._events(extraction, analysis, facts, anchors, rules):
            facts.append(fact)
            anchors.append(position)
        return replace(
            extraction,
            facts=facts + others,
            fact_anchors=anchors + [-1] * len(others),
            correction=(
                self._correction(extraction, analysis, rows)
                if intent in (None, "correct_last")
                else extraction.correction
            ),
            query=(
                self.query(extraction, analysis)
                if intent in (None, "query_progress")
                else extraction.query
            ),
        )

    def _counts_people(self, analysis: Analysis, rows: list[list[str]]) -> set[int]:
        """The numbers written with 个 that count people ("来了二十几个"), by the learned model."""
        ge = [i for i, q in enumerate(analysis.quantities) if q.unit == COUNTED_WITH_GE]
        if self.people is None or not ge:
            return set()
        column = self.people.classes.index(PEOPLE)
        scores = self.people.scores([rows[i] for i in ge])[:, column]
        return {i for i, score in zip(ge, scores, strict=True) if score >= 0.5}

    def query(self, extraction: Extraction, analysis: Analysis) -> Query | None:
        """What the message would ask as a progress question (only used when the intent is
        query_progress); without the question models, the lexicon's reading stands."""
        if self.questions is None:
            return extraction.query
        return self.questions.read(extraction, analysis)

    def _correction(
        self, extraction: Extraction, analysis: Analysis, rows: list[list[str]]
    ) -> Correction:
        """What the message would do as a correction: withdraw the record, restate a figure
        ("是45人"), or change it by a number ("少算了5条" +5, "多报了2场" −2). Only used when
        the intent is correct_last; with no number to take, the bot asks for it."""
        scores = self.corrections.scores([correction_features(extraction, analysis)])[0]
        kind = self.corrections.classes[int(scores.argmax())]
        if kind == "retract":
            return Correction(retract=True)
        if not rows:
            return Correction(value=None)
        parts = self.correction_numbers.scores(rows)
        column = {name: i for i, name in enumerate(self.correction_numbers.classes)}
        if kind == "delta":
            signed = parts[:, column["plus"]] + parts[:, column["minus"]]
            best = int(signed.argmax())
            quantity = analysis.quantities[best]
            sign = 1 if parts[best, column["plus"]] >= parts[best, column["minus"]] else -1
            return Correction(delta=sign * quantity.value, unit=quantity.unit)
        quantity = analysis.quantities[int(parts[:, column["value"]].argmax())]
        return Correction(value=quantity.value, unit=quantity.unit)

    def _events(
        self,
        extraction: Extraction,
        analysis: Analysis,
        facts: list[Fact],
        anchors: list[int],
        rules: dict[int, tuple[str, str]],
    ) -> Iterator[tuple[int, Fact]]:
        """One fact of value 1 for each segment that reports work without a written count."""
        segments = event_segments(analysis)
        if not segments:
            return
        rows = [
            segment_features(extraction, analysis, segments, i, rules) for i in range(len(segments))
        ]
        is_event = self.events.scores(rows)[:, self.events.classes.index(EVENT)]
        previous = ""
        for (start, end), row, score in zip(segments, rows, is_event, strict=True):
            if score < self.event_threshold:
                previous = ""
                continue
            kinds = self.event_kinds.scores([row])[0]
            best = int(kinds.argmax())
            kind = self.event_kinds.classes[best]
            section, _, unit = kind.partition("|")
            position = next(
                (
                    m.start
                    for m in analysis.activities
                    if start <= m.start < end and m.activity and m.activity.section == section
                ),
                start,
            )
            activity = activity_at(analysis, section, unit, position)
            if activity is None:
                continue
            # The event's own count is written when a figure of the sentence counts the same
            # work or counts in the event's measure ("举办法治讲座两次"); materials, participants
            # or money beside it ("搞了场普法宣传 发了资料500份") count other work of the
            # section, and the event still is one.
            written = any(
                fact.section == section
                and (fact.activity == activity.name or same_measure(fact.unit, unit))
                and start <= anchor < end
                for fact, anchor in zip(facts, anchors, strict=True)
            )
            same_event = kind == previous and not _another_time(analysis.norm, segments, (start,))
            if written or same_event:
                continue  # the count is written, or the sentence goes on about the same event
            previous = kind
            day, place = date_at(analysis, position), place_at(analysis, position)
            # The message has already counted this work, on this day and at this place: a
            # later sentence tells more of it ("…调了，…说和了"; "讲了一堂法治课，讲的是…"),
            # unless it says the work was done another time ("晚上支部又学了").
            told = any(
                fact.section == section
                and fact.activity == activity.name
                and same_measure(fact.unit, unit)
                and (fact.date, fact.place) == (day, place)
                and fact.role not in NOT_WORK_ROLES
                and not _another_time(analysis.norm, segments, (start, anchor))
                for fact, anchor in zip(facts, anchors, strict=True)
            )
            if told:
                continue
            yield (
                position,
                Fact(
                    section=section,
                    activity=activity.name,
                    value=1.0,
                    unit=unit,
                    date=day,
                    place=place,
                    confidence=float(min(score, kinds[best])),
                ),
            )


# Words that start another piece of the same work (cues.yml `another_time`).
_ANOTHER_TIME = cue("another_time")


def _another_time(norm: str, segments: list[tuple[int, int]], positions: tuple[int, ...]) -> bool:
    """Does a segment holding one of `positions` say its work was done another time?"""
    return any(
        start <= position < end and _ANOTHER_TIME.search(norm, start, end)
        for start, end in segments
        for position in positions
    )


def _number_fact(
    analysis: Analysis, rule: Fact | None, section: str, quantity: Any, role: str
) -> Fact | None:
    unit = quantity.unit
    if rule is not None and rule.section == section:
        return replace(rule, role=role)
    activity = activity_at(analysis, section, unit or "", quantity.start)
    if activity is None:
        return None
    unit = unit or activity.default_unit
    return Fact(
        section=section,
        activity=activity.name,
        value=quantity.value,
        unit=unit,
        date=date_at(analysis, quantity.start),
        place=place_at(analysis, quantity.start),
        role=role,
    )


def _surest_written_work(learned: Extraction, analysis: Analysis) -> float:
    """The highest probability among the work facts read from a written figure (not the
    digitless events): how sure the number model is that the message reports work."""
    numbers = {q.start for q in analysis.quantities}
    return max(
        (
            fact.confidence
            for fact, anchor in zip(learned.facts, learned.fact_anchors, strict=False)
            if anchor in numbers and fact.role not in NOT_WORK_ROLES
        ),
        default=0.0,
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LearnedFactReader(StoredModelComponent):
    """Decides what each number is and which digitless work a message reports (see module)."""

    without_model = "the lexicon's reading is used"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 4.0,
            "event_C": 2.0,
            "event_threshold": 0.5,
            "number_floor": 0.0,
            "query_C": 4.0,
            "min_count": 2,
            # Scale each row of indicators to unit length (nlu/linear.py): SAGA's step grows
            # with it, so the quantity and event models fit in a third of the time.
            "normalized": False,
            # A message the intent classifier calls chatter is work when a written figure
            # reads as work done at least this surely (above 1: never)
            "promote_floor": 2.0,
            "timezone": DEFAULT_TIMEZONE,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        models: FactModels | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._models = models

    @classmethod
    def read_model(cls, folder: Path, config: dict[str, Any]) -> Any:
        return FactModels.load(folder, config)

    def train(self, training_data: TrainingData) -> Resource:
        samples = (
            (
                extraction_of(
                    Message(data={TEXT: example.get(TEXT)}),
                    datetime.fromisoformat(example.get(LABELS_KEY)["now"])
                    if example.get(LABELS_KEY)
                    else TRAINING_NOW,
                ),
                example.get(LABELS_KEY),
                example.get(INTENT),
            )
            for example in sorted(  # a fixed order: the same data trains the same model
                training_data.training_examples,
                key=lambda e: (e.get(TEXT) or "", e.get(INTENT) or ""),
            )
            if example.get(TEXT)
        )
        self._models = FactModels.fit(samples, self._config)
        if self._models is None:
            return self._resource
        log.info("fact model trained")
        with self._storage.write_to(self._resource) as folder:
            self._models.save(Path(folder))
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._models is None:
            return messages
        for message in messages:
            now = message_now(message, self._config["timezone"])
            extraction = extraction_of(message, now)
            if extraction.analysis is None:
                continue
            intent = message.get(INTENT) or {}
            learned = self._models.read(
                extraction, extraction.analysis, intent.get(INTENT_NAME_KEY)
            )
            message.set(EXTRACTION_KEY, learned)
            work = [f for f in learned.facts if f.role not in NOT_WORK_ROLES]
            name = intent.get(INTENT_NAME_KEY)
            if name == "log_activity" and learned.facts and not work:
                # every figure is a running total, a target, a plan or a part: no new work
                message.set(INTENT, {**intent, INTENT_NAME_KEY: "out_of_scope"}, add_to_output=True)
            elif name in ("out_of_scope", "log_activity"):
                sure = _surest_written_work(learned, extraction.analysis)
                surer = name == "out_of_scope" or sure > float(intent.get("confidence") or 0)
                if sure >= self._config["promote_floor"] and surer:
                    # The sentence model calls it chatter, or work but hesitantly (the terse
                    # "提供法律援助5件" at 0.56), while the number model, which reads each figure
                    # in its context, is sure one is work done ("本周矛盾纠纷排查2次（周四、周五
                    # 各一次）"): the message reports work, as sure as that figure.
                    promoted = {**intent, INTENT_NAME_KEY: "log_activity", "confidence": sure}
                    message.set(INTENT, promoted, add_to_output=True)
        return messages
