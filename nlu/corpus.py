"""The labelled corpus: chat messages with their intent, facts and the role of every number.

One JSON object per line, the parse contract plus what a learned component needs to learn from:
each fact's `span` (where its figure or event is written) and `role`, and `other_numbers` (numbers
that are not work done, with their role). Files live in `data/corpus/`; each names its writer.

`CorpusImporter` is a Rasa training-data importer (config.yml `importers:`), so `rasa train nlu`
and `taizhang train` both see the corpus: the intent examples feed the intent classifier, and the
labels travel in each example's metadata to `nlu.fact_model`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.augment import noisy_copy
from nlu.result import INTENTS
from nlu.result import NOT_WORK_ROLES as NOT_WORK_ROLES_SET
from nlu.sections import section_ids
from taizhang.resources import ROOT, data_file

log = logging.getLogger(__name__)

CORPUS_DIR = data_file("corpus")
WORK_ROLES = ("new", "stock")
NOT_WORK_ROLES = tuple(sorted(NOT_WORK_ROLES_SET))
OTHER_ROLES = ("date", "time", "id", "duration", "ordinal", "name", "other")
LABELS_KEY = "taizhang_labels"


@dataclass(frozen=True)
class Problem:
    """Why one corpus line cannot be used."""

    path: str
    line: int
    reason: str


def _check_fact(fact: dict[str, Any], text: str, now: datetime) -> str | None:
    if fact.get("section") not in section_ids():
        return f"unknown section {fact.get('section')!r}"
    if fact.get("role", "new") not in WORK_ROLES + NOT_WORK_ROLES:
        return f"unknown role {fact.get('role')!r}"
    span = fact.get("span")
    if not isinstance(span, str) or not span or span not in text:
        return f"span {span!r} is not in the text"
    try:
        value = float(fact["value"])
        day = date.fromisoformat(str(fact["date"]))
    except (KeyError, TypeError, ValueError):
        return "value or date unreadable"
    if not 0 <= value < 1e9:
        return f"implausible value {value}"
    if (day - now.date()).days > 0 or (now.date() - day).days > 400:
        return f"date {day} too far from now {now.date()}"
    if not isinstance(fact.get("unit"), str) or not fact["unit"]:
        return "no unit"
    return None


def check_record(record: dict[str, Any]) -> str | None:
    """None when the record can be learned from, else the reason it cannot."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return "no text"
    if record.get("intent") not in INTENTS:
        return f"unknown intent {record.get('intent')!r}"
    try:
        now = datetime.fromisoformat(str(record.get("now")))
    except ValueError:
        return "unreadable now"
    facts = record.get("facts") or []
    if record["intent"] != "log_activity" and facts:
        return "facts on a message that is not log_activity"
    for fact in facts:
        reason = _check_fact(fact, text, now)
        if reason:
            return reason
    for other in record.get("other_numbers") or []:
        if not isinstance(other.get("span"), str) or other["span"] not in text:
            return f"other number span {other.get('span')!r} is not in the text"
    return None


def read_corpus(folder: Path = CORPUS_DIR) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every usable record under `folder` (*.jsonl, sorted), and the lines that were not."""
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for path in sorted(folder.rglob("*.jsonl")) if folder.is_dir() else []:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(Problem(str(path), number, f"not JSON: {error.msg}"))
                continue
            reason = check_record(record) if isinstance(record, dict) else "not an object"
            if reason:
                problems.append(Problem(str(path), number, reason))
                continue
            record.setdefault("source", path.stem)
            records.append(record)
    return records, problems


def labels_of(record: dict[str, Any]) -> dict[str, Any]:
    """What travels with a training example to the fact model."""
    return {
        "now": record["now"],
        "facts": record.get("facts") or [],
        "other_numbers": record.get("other_numbers") or [],
        "correction": record.get("correction"),
        "query": record.get("query"),
        "source": record.get("source"),
    }


def to_messages(records: list[dict[str, Any]]) -> Iterator[Message]:
    for record in records:
        message = Message.build(text=record["text"].strip(), intent=record["intent"])
        message.set(LABELS_KEY, labels_of(record))
        yield message


class CorpusImporter(TrainingDataImporter):
    """Adds `data/corpus/*.jsonl` to Rasa's NLU training data (see config.yml `importers`)."""

    def __init__(
        self,
        config_file: str | None = None,
        domain_path: str | None = None,
        training_data_paths: str | list[str] | None = None,
        corpus: str = "data/corpus",
        augment: bool = False,
    ) -> None:
        path = Path(corpus)
        self._folder = path if path.is_absolute() else ROOT / path
        self._config_file = config_file
        self._augment = augment  # also train on a noisy copy of each line (nlu/augment.py)
        # The training data folders Rasa was given: JSON lines there (people's answers,
        # exported by bot/feedback.py) are read with the corpus.
        if isinstance(training_data_paths, str):
            training_data_paths = [training_data_paths]
        self._extra = [Path(p) for p in training_data_paths or [] if Path(p).is_dir()]

    def get_domain(self) -> Domain:
        return Domain.empty()

    def get_stories(self, exclusion_percentage: int | None = None) -> StoryGraph:
        return StoryGraph([])

    def get_conversation_tests(self) -> StoryGraph:
        return StoryGraph([])

    def get_config(self) -> dict:
        return {}

    def get_config_file_for_auto_config(self) -> str | None:
        return self._config_file

    def get_nlu_data(self, language: str | None = "en") -> TrainingData:
        records, problems = read_corpus(self._folder)
        for folder in self._extra:
            more, more_problems = read_corpus(folder)
            records += more
            problems += more_problems
        for problem in problems[:20]:
            log.warning(
                "corpus line skipped",
                extra={"path": problem.path, "line": problem.line, "reason": problem.reason},
            )
        if problems:
            log.warning("corpus lines skipped", extra={"count": len(problems)})
        if self._augment:
            records += [copy for record in records if (copy := noisy_copy(record))]
        return TrainingData(training_examples=list(to_messages(records)))
