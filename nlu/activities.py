"""Which activity a fact counts: the catalogue's name for the work (nlu.catalogue), chosen by a
learned model, or a new name, kept for review, when nothing in the catalogue fits.

Hand rules cannot list how staff name work ("调了仨", "说和了", "帮老人写了份起诉状"), so a
linear model over character n-grams of the words around a fact's number learns it from the
catalogue's phrases and from the labelled corpus (each corpus fact's own activity name mapped to
the catalogue by similarity). Only activities of the fact's section that count in the fact's
unit are candidates, so a figure is always in its activity's own unit ("组织干部学法2个" cannot
be written). The model's `NEW` class and a floor on the best candidate decide when the work is
something the catalogue does not hold; the name is then built from the words before the number.

`ActivityNamer` runs after the fact model in config.yml: it is the one place a fact's activity
is decided, and it only renames facts (section, value, unit, date and role stay as read).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.catalogue import CatalogueActivity, catalogue, catalogue_digest, in_section
from nlu.components import EXTRACTION_KEY
from nlu.corpus import LABELS_KEY
from nlu.cues import cue
from nlu.facts import Extraction
from nlu.linear import LinearModel
from nlu.numbers import normalize_width, same_measure, unit_kind
from nlu.result import Fact
from nlu.stored import StoredModelComponent

log = logging.getLogger(__name__)

MODEL_PREFIX = "activities-"
NEW = "__new__"
_CLAUSE_END = re.compile(r"[，,。；;！!？?\n：:、（）()]")
_DIGITS = re.compile(r"[0-9０-９一二三四五六七八九十百千万两俩仨几余多]+")
# Words around work that name no work: time, fillers, particles, an @mention (cues.yml `filler`).
_FILLER = cue("filler")
# A number with its measure word ("9张", "三起"): dropped from a new name.
_COUNT = re.compile(_DIGITS.pattern + r"[次件场个人份名起条张处户家期篇项]?")
_MAX_NEW_NAME = 10
_NEAR = 8  # the words just before a number say most about what it counts
_MIN_WORK_SHARE = 0.5  # a new name more than this much made of the catalogue's words of work


@dataclass(frozen=True)
class Context:
    """The words a fact's number stands in: its clause, the clause up to the number and the
    clause before (the topic of "组织干部学法1次，参加42人")."""

    clause: str
    left: str
    previous: str


def context_at(norm: str, anchor: int) -> Context:
    anchor = max(0, min(anchor, len(norm)))
    ends = [m.start() for m in _CLAUSE_END.finditer(norm)]
    start = max((e + 1 for e in ends if e < anchor), default=0)
    stop = min((e for e in ends if e >= anchor), default=len(norm))
    previous_start = max((e + 1 for e in ends if e < start - 1), default=0)
    return Context(
        clause=norm[start:stop],
        left=norm[start:anchor],
        previous=norm[previous_start : max(previous_start, start - 1)],
    )


def _grams(text: str, sizes: Sequence[int]) -> list[str]:
    text = _DIGITS.sub("0", text)
    return [text[i : i + n] for n in sizes for i in range(len(text) - n + 1)]


def features(context: Context, section: str, unit: str) -> list[str]:
    """Character n-grams of the clause, of the words before the number and of the previous
    clause, with the fact's section and unit."""
    rows = [f"c:{g}" for g in _grams(context.clause, (1, 2, 3))]
    rows += [f"l:{g}" for g in _grams(context.left[-_NEAR:], (2, 3))]
    rows += [f"p:{g}" for g in _grams(context.previous, (2,))]
    return [*rows, f"s:{section}", f"u:{unit}", f"su:{section}|{unit}"]


def candidates(section: str, unit: str) -> tuple[CatalogueActivity, ...]:
    """Catalogued activities of the section that count in the unit, or in a word the ledger
    sums with it (解答咨询30名 is 解答法律咨询, counted in 人)."""
    return tuple(
        a for a in in_section(section) if any(same_measure(unit, own) for own in a.units)
    )


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def similarity(name: str, activity: CatalogueActivity) -> float:
    """How close a written activity name is to a catalogued one: the best of the Dice overlap of
    character pairs and the share of the name a phrase covers."""
    mine = _bigrams(name)
    best = 0.0
    for phrase in (activity.name, *activity.phrases):
        theirs = _bigrams(phrase)
        best = max(best, 2 * len(mine & theirs) / (len(mine) + len(theirs)))
        if len(phrase) >= 2 and phrase in name:
            best = max(best, len(phrase) / len(name))
    return best


def catalogue_name(name: str, section: str, unit: str, floor: float) -> str | None:
    """The catalogued activity a corpus writer's own name stands for, None when none is close."""
    scored = [(similarity(name, a), a.name) for a in candidates(section, unit)]
    best = max(scored, default=(0.0, ""))
    return best[1] if best[0] >= floor else None


def _words(text: str) -> str:
    words = _FILLER.sub("", _COUNT.sub("", text))
    return re.sub(r"[^一-龥A-Za-z]", "", words)


@lru_cache(maxsize=1)
def _work_pairs() -> frozenset[str]:
    """Every pair of characters in the catalogue's names and phrases: the vocabulary of work."""
    return frozenset(
        pair
        for activity in catalogue()
        for p in (activity.name, *activity.phrases)
        for pair in _bigrams(p)
    )


def _work_share(name: str) -> float:
    """The share of a name's characters inside a pair the catalogue uses for work: "开罚单" is
    all work words, "周周跟谭队出去" or "解怎么用法制思维大概" (stray words before a head count)
    hardly any."""
    covered: set[int] = set()
    pairs = _work_pairs()
    for i in range(len(name) - 1):
        if name[i : i + 2] in pairs:
            covered.update((i, i + 1))
    return len(covered) / len(name) if name else 0.0


def _ends_in_work(name: str) -> bool:
    """Whether a name ends in a word of work: the last word of a Chinese name says what it is
    ("研读党章专题"), whatever words of the sentence come before it."""
    return name[-2:] in _work_pairs()


def new_name(context: Context, fallback: str, unit: str = "") -> str:
    """A reviewable name for work the catalogue does not hold: the words before the number
    without time words and fillers ("开了罚单9张" -> "开罚单"), else the clause's words, when
    more than half of them are words of work or the name ends in one (a draft must not state
    "龙河沿线3次"); never a catalogued name for a unit it does not count (that would read
    "组织干部学法2个"), so the last resort is the old name with the unit
    ("开展普法宣传活动（个）")."""
    for text in (context.left, context.clause):
        words = _words(text)[-_MAX_NEW_NAME:]
        if len(words) >= 2 and (_work_share(words) > _MIN_WORK_SHARE or _ends_in_work(words)):
            return words
    return f"{fallback}（{unit}）" if unit else fallback


Sample = tuple[str, "dict[str, Any]"]  # text, labels


@dataclass(frozen=True)
class ActivityChooser:
    """One trained model per section (its activities and `NEW`) and the floor below which the
    best candidate is no fit. Per section, because a fact's section is already decided and
    twelve small models train an order of magnitude faster than one over every activity."""

    models: dict[str, LinearModel]
    floor: float

    @classmethod
    def fit(cls, samples: Iterable[Sample], config: dict[str, Any]) -> ActivityChooser:
        rows: dict[str, list[list[str]]] = defaultdict(list)
        labels: dict[str, list[str]] = defaultdict(list)
        for activity in catalogue():
            for phrase in (activity.name, *activity.phrases):
                for unit in activity.units:
                    rows[activity.section].append(
                        features(Context(phrase, phrase, ""), activity.section, unit)
                    )
                    labels[activity.section].append(activity.name)
        for text, facts in samples:
            norm = normalize_width(text)
            for fact in facts:
                span = normalize_width(str(fact.get("span") or ""))
                anchor = norm.find(span) if span else -1
                section, unit = str(fact.get("section")), str(fact.get("unit"))
                if anchor < 0 or not fact.get("activity") or section not in rows:
                    continue
                label = catalogue_name(str(fact["activity"]), section, unit, config["map_floor"])
                rows[section].append(features(context_at(norm, anchor), section, unit))
                labels[section].append(label or NEW)
        models = {
            section: LinearModel.fit(
                rows[section],
                labels[section],
                c=config["C"],
                min_count=config["min_count"],
                max_iter=config["max_iter"],
            )
            for section in sorted(rows)
        }
        return cls(models, float(config["floor"]))

    def save(self, folder: Path) -> None:
        for section, model in self.models.items():
            model.save(folder / f"{MODEL_PREFIX}{section}.npz")

    @classmethod
    def load(cls, folder: Path, config: dict[str, Any]) -> ActivityChooser:
        models = {
            path.stem.removeprefix(MODEL_PREFIX): LinearModel.load(path)
            for path in sorted(folder.glob(f"{MODEL_PREFIX}*.npz"))
        }
        if not models:
            raise FileNotFoundError(f"no activity model in {folder}")
        return cls(models, float(config["floor"]))

    def choose(self, context: Context, section: str, unit: str, fallback: str) -> str:
        """The catalogue's name for the work in `context`, or a new one when none fits."""
        options = candidates(section, unit)
        model = self.models.get(section)
        if not options or model is None:
            return new_name(context, fallback, unit)
        scores = model.scores([features(context, section, unit)])[0]
        column = {name: i for i, name in enumerate(model.classes)}

        def score(name: str) -> float:
            return float(scores[column[name]]) if name in column else 0.0

        best = max(options, key=lambda a: score(a.name))
        if score(best.name) >= self.floor or score(NEW) <= score(best.name):
            return best.name
        if unit_kind(unit) == "people":
            # People reached or taking part are the audience of the section's work (the
            # contract), never work of their own: the words before a head count ("来了", "职工
            # 参加") name no activity a draft could state.
            return best.name
        if any(a.name == fallback for a in options):
            return fallback  # the lexicon's reading is a catalogued name that counts this unit
        return new_name(context, fallback, unit)

    def rename(self, extraction: Extraction) -> Extraction:
        """The extraction with each fact named from the catalogue (or newly)."""
        analysis = extraction.analysis
        if analysis is None or not extraction.facts:
            return extraction
        anchors = list(extraction.fact_anchors) + [-1] * len(extraction.facts)
        named: list[Fact] = []
        for fact, anchor in zip(extraction.facts, anchors, strict=False):
            position = anchor if anchor >= 0 else _value_position(analysis, fact)
            context = context_at(analysis.norm, position)
            named.append(
                replace(fact, activity=self.choose(context, fact.section, fact.unit, fact.activity))
            )
        return replace(extraction, facts=named)


def _value_position(analysis: Any, fact: Fact) -> int:
    """Where a figure with no anchor (a running total, a target) is written: its number."""
    return next((q.start for q in analysis.quantities if q.value == fact.value), 0)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class ActivityNamer(StoredModelComponent):
    """Names each fact's activity from the catalogue (see module); after the fact model."""

    without_model = "the fact model's names are kept"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # max_iter: the fit stops early; ranking the few candidates of a section and unit
        # does not need the last digits of the optimum, and training stays within budget.
        # `catalogue`: the file's digest, so Rasa's training cache retrains when it changes.
        return {
            "C": 4.0,
            "min_count": 2,
            "max_iter": 300,
            "floor": 0.1,
            "map_floor": 0.5,
            "catalogue": catalogue_digest(),
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        chooser: ActivityChooser | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._chooser = chooser

    @classmethod
    def read_model(cls, folder: Path, config: dict[str, Any]) -> Any:
        return ActivityChooser.load(folder, config)

    def train(self, training_data: TrainingData) -> Resource:
        samples = sorted(  # a fixed order: the same data trains the same model
            (
                (str(example.get(TEXT)), list(example.get(LABELS_KEY).get("facts") or []))
                for example in training_data.training_examples
                if example.get(TEXT) and example.get(LABELS_KEY)
            ),
            key=lambda sample: (sample[0], repr(sample[1])),
        )
        self._chooser = ActivityChooser.fit(samples, self._config)
        with self._storage.write_to(self._resource) as folder:
            self._chooser.save(Path(folder))
        log.info("activity model trained", extra={"sections": len(self._chooser.models)})
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._chooser is None:
            return messages
        for message in messages:
            extraction = message.get(EXTRACTION_KEY)
            if isinstance(extraction, Extraction) and extraction.facts:
                message.set(EXTRACTION_KEY, self._chooser.rename(extraction))
        return messages
