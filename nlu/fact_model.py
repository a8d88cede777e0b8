"""The learned fact model: what each number is, and which work a message reports without one.

Exact readers (numbers, units, dates, places, the lexicon) find the candidates; two linear models
trained on the labelled corpus (`nlu.corpus`) decide:

- for each number: work done in a section (`new:disputes`), a standing number (`stock:…`), a
  part of a total already counted, a running total, a target, a plan, or nothing at all;
- for the message: the work it reports with no digit ("今天开了党委会" → leadership, 1 次).

It replaces the rule reader's facts on the message (`nlu.components.EXTRACTION_KEY`) and, when a
message said to log work holds only figures that are not work done, its intent.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
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
from nlu.fact_features import message_features, quantity_features
from nlu.facts import Analysis, Extraction, date_at, place_at
from nlu.linear import LinearModel
from nlu.numbers import normalize_width
from nlu.result import Fact
from nlu.sections import Activity, activity_for_unit, section_by_id

log = logging.getLogger(__name__)

QUANTITY_FILE = "quantities.npz"
EVENT_FILE = "events.npz"
EVENT_UNIT_FILE = "event_units.npz"
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


def training_labels(analysis: Analysis, labels: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The class of each number of the message and the classes of its digitless events.

    A labelled figure claims the number its span overlaps (the one of the same value first); a
    fact whose span overlaps no number is an event, learned as `section|unit`."""
    classes = [NONE] * len(analysis.quantities)
    events: list[str] = []
    items: list[tuple[dict[str, Any], str]] = []
    for fact in labels.get("facts") or []:
        role = fact.get("role", "new")
        label = f"{role}:{fact['section']}" if role in ("new", "stock") else role
        items.append((fact, label))
    for other in labels.get("other_numbers") or []:
        role = other.get("role")
        items.append((other, role if role in NOT_WORK_ROLES else NONE))
    for item, label in items:
        overlapping = [
            i
            for i, q in enumerate(analysis.quantities)
            for start, end in _occurrences(analysis.norm, item["span"])
            if q.start < end and start < q.end and classes[i] == NONE
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
            events.append(f"{item['section']}|{item['unit']}")
    return classes, events


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


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LearnedFactReader(GraphComponent):
    """Decides what each number is and which digitless work a message reports (see module)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 4.0,
            "event_C": 2.0,
            "event_threshold": 0.5,
            "min_count": 2,
            "timezone": DEFAULT_TIMEZONE,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        quantities: LinearModel | None = None,
        events: LinearModel | None = None,
        event_units: LinearModel | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._quantities = quantities
        self._events = events
        self._event_units = event_units

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LearnedFactReader:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LearnedFactReader:
        try:
            with model_storage.read_from(resource) as folder:
                quantities = LinearModel.load(Path(folder) / QUANTITY_FILE)
                events = LinearModel.load(Path(folder) / EVENT_FILE)
                event_units = LinearModel.load(Path(folder) / EVENT_UNIT_FILE)
        except (ValueError, FileNotFoundError, OSError):
            log.warning("fact model not found; the lexicon's reading is used")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, quantities, events, event_units)

    # --- training ---------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        q_rows: list[list[str]] = []
        q_labels: list[str] = []
        m_rows: list[list[str]] = []
        m_labels: list[list[str]] = []
        u_rows: list[list[str]] = []
        u_labels: list[str] = []
        for example in training_data.training_examples:
            text = example.get(TEXT)
            if not text:
                continue
            labels = example.get(LABELS_KEY)
            intent = example.get(INTENT)
            now = datetime.fromisoformat(labels["now"]) if labels else TRAINING_NOW
            extraction = extraction_of(Message(data={TEXT: text}), now)
            analysis = extraction.analysis
            if analysis is None:
                continue
            rules = rule_readings(extraction)
            if labels:
                classes, events = training_labels(analysis, labels)
            else:
                # Rasa's YAML examples carry no fact labels: the lexicon's reading of their
                # numbers (work in a log, nothing in chatter) stands in for them; their digitless
                # events are unknown, so only chatter teaches the event model from them.
                classes = [
                    f"new:{rules[q.start][0]}"
                    if intent == "log_activity" and q.start in rules
                    else NONE
                    for q in analysis.quantities
                ]
                events = []
            for index, label in enumerate(classes):
                quantity = analysis.quantities[index]
                q_rows.append(
                    quantity_features(extraction, analysis, index, rules.get(quantity.start))
                )
                q_labels.append(label)
            if labels or intent != "log_activity":
                features = message_features(extraction, analysis)
                m_rows.append(features)
                m_labels.append(sorted({event.partition("|")[0] for event in events}))
                for event in events:
                    section, _, unit = event.partition("|")
                    u_rows.append([*features, f"sec:{section}"])
                    u_labels.append(unit)
        if not q_rows or not m_rows or len(set(u_labels)) < 2:
            log.warning("no labelled corpus found; the fact model is empty")
            return self._resource
        self._quantities = LinearModel.fit(
            q_rows, q_labels, c=self._config["C"], min_count=self._config["min_count"]
        )
        self._events = LinearModel.fit(
            m_rows,
            m_labels,
            multilabel=True,
            c=self._config["event_C"],
            min_count=self._config["min_count"],
        )
        self._event_units = LinearModel.fit(
            u_rows, u_labels, c=self._config["event_C"], min_count=self._config["min_count"]
        )
        log.info(
            "fact model trained",
            extra={"numbers": len(q_rows), "messages": len(m_rows)},
        )
        with self._storage.write_to(self._resource) as folder:
            self._quantities.save(Path(folder) / QUANTITY_FILE)
            self._events.save(Path(folder) / EVENT_FILE)
            self._event_units.save(Path(folder) / EVENT_UNIT_FILE)
        return self._resource

    # --- prediction -------------------------------------------------------------------------

    def process(self, messages: list[Message]) -> list[Message]:
        if self._quantities is None or self._events is None or self._event_units is None:
            return messages
        for message in messages:
            now = message_now(message, self._config["timezone"])
            extraction = extraction_of(message, now)
            if extraction.analysis is None:
                continue
            learned = self.read(extraction, extraction.analysis)
            message.set(EXTRACTION_KEY, learned)
            intent = message.get(INTENT) or {}
            work = [f for f in learned.facts if f.role not in NOT_WORK_ROLES]
            if intent.get(INTENT_NAME_KEY) == "log_activity" and learned.facts and not work:
                # every figure is a running total, a target, a plan or a part: no new work
                message.set(INTENT, {**intent, INTENT_NAME_KEY: "out_of_scope"}, add_to_output=True)
        return messages

    def read(self, extraction: Extraction, analysis: Analysis) -> Extraction:
        """The extraction with the learned facts (and figures that are not work) in place."""
        assert self._quantities and self._events and self._event_units
        facts: list[Fact] = []
        anchors: list[int] = []
        others: list[Fact] = []
        rules = rule_readings(extraction)
        rule_facts = dict(zip(extraction.fact_anchors, extraction.facts, strict=False))
        if analysis.quantities:
            rows = [
                quantity_features(extraction, analysis, i, rules.get(q.start))
                for i, q in enumerate(analysis.quantities)
            ]
            scores = self._quantities.scores(rows)
            for quantity, row in zip(analysis.quantities, scores, strict=True):
                label = self._quantities.classes[int(row.argmax())]
                if label == NONE:
                    continue
                role, _, section = label.partition(":")
                section = section or (rules.get(quantity.start) or ("", ""))[0]
                if not section:
                    continue
                fact = self._fact(analysis, rule_facts.get(quantity.start), section, quantity, role)
                if fact is None:
                    continue
                if role in NOT_WORK_ROLES:
                    others.append(fact)
                else:
                    facts.append(fact)
                    anchors.append(quantity.start)
        features = message_features(extraction, analysis)
        event_scores = self._events.scores([features])[0]
        threshold = float(self._config["event_threshold"])
        for section, score in zip(self._events.classes, event_scores, strict=True):
            if score < threshold:
                continue
            unit_scores = self._event_units.scores([[*features, f"sec:{section}"]])[0]
            unit = self._event_units.classes[int(unit_scores.argmax())]
            if any(f.section == section and f.unit == unit for f in facts):
                continue  # the count is written: "调解纠纷3件" is not one more event
            position = next(
                (
                    m.start
                    for m in analysis.activities
                    if m.activity is not None and m.activity.section == section
                ),
                analysis.body_start,
            )
            activity = activity_at(analysis, section, unit, position)
            if activity is None:
                continue
            facts.append(
                Fact(
                    section=section,
                    activity=activity.name,
                    value=1.0,
                    unit=unit,
                    date=date_at(analysis, position),
                    place=place_at(analysis, position),
                )
            )
            anchors.append(position)
        return replace(extraction, facts=facts + others, fact_anchors=anchors + [-1] * len(others))

    @staticmethod
    def _fact(
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
