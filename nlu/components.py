"""Rasa 3.6 graph components for Chinese work messages.

Rasa's stock components cannot extract the facts a ledger needs from Chinese chat:
jieba merges numerals with measure words ("两件"), so token-aligned entity annotation
loses them, and regex word boundaries never match in Chinese (see NOTES.md). These
components wrap the rule-and-lexicon extractor in `nlu.facts` so the trained Rasa model
itself produces the whole parse contract (`nlu.result`), also under `rasa shell nlu`.

- ChineseSignalFeaturizer: runs the extractor once per message, keeps its result on the
  message and adds a few cheap sparse sentence features (a quantity, a fact, a question
  word, a future marker, …) that help the intent classifier separate near-misses such as
  "调解了3件" / "调解了多少件" / "明天调解3件".
- ChineseFactExtractor: after the intent classifier, publishes entities and, depending on
  the predicted intent, the facts, the correction or the query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_NAME_KEY,
    METADATA,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.facts import BOT_NAME, SIGNAL_NAMES, Extraction, extract
from nlu.result import RATE_UNITS, Correction, Fact, Query

EXTRACTION_KEY = "taizhang_extraction"
FACTS_KEY = "facts"
CORRECTION_KEY = "correction"
QUERY_KEY = "query"
NOW_METADATA_KEY = "now"
BOT_NAME_METADATA_KEY = "bot_name"
DEFAULT_TIMEZONE = "Asia/Shanghai"
# Training examples carry no time; any fixed day works because the signals do not depend on it.
TRAINING_NOW = datetime(2024, 6, 12, 10, 0, tzinfo=ZoneInfo(DEFAULT_TIMEZONE))


def message_now(message: Message, timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """The message time from metadata["now"] (ISO 8601), else the current time."""
    metadata = message.get(METADATA) or {}
    raw = metadata.get(NOW_METADATA_KEY) if isinstance(metadata, dict) else None
    tz = ZoneInfo(timezone)
    if isinstance(raw, datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=tz)
    if isinstance(raw, str) and raw:
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    return datetime.now(tz)


def published(
    extraction: Extraction, intent: str | None
) -> tuple[list[Fact], Correction | None, Query | None]:
    """What of the extraction the intent lets through: a log reports its facts; chatter keeps
    only the running totals it quotes ("本周小结：调解纠纷3件" read as chatter), which are never
    work but let the dispatcher check them against the ledger (actions/recaps.py); etc."""
    if intent == "log_activity":
        facts = list(extraction.facts)
    elif intent == "out_of_scope":
        facts = [
            f for f in extraction.facts if f.role == "running_total" and f.unit not in RATE_UNITS
        ]
    else:
        facts = []
    correction = extraction.correction if intent == "correct_last" else None
    query = (extraction.query or Query()) if intent == "query_progress" else None
    return facts, correction, query


def extraction_of(message: Message, now: datetime | None = None) -> Extraction:
    """The extraction cached on the message, computed on first use."""
    cached = message.get(EXTRACTION_KEY)
    if isinstance(cached, Extraction):
        return cached
    metadata = message.get(METADATA)
    bot_name = metadata.get(BOT_NAME_METADATA_KEY) if isinstance(metadata, dict) else None
    # The bot's own @name is not a colleague's: the parser passes the configured name.
    result = extract(message.get(TEXT) or "", now or message_now(message), bot_name or BOT_NAME)
    message.set(EXTRACTION_KEY, result)
    return result


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class ChineseSignalFeaturizer(GraphComponent):
    """Adds the extractor's signals as sparse sentence features."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # `weight` scales the 0/1 signals; larger means less regularised in the classifier.
        return {"weight": 1.0, "timezone": DEFAULT_TIMEZONE}

    def __init__(self, config: dict[str, Any], name: str) -> None:
        self._config = {**self.get_default_config(), **config}
        self._name = name

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ChineseSignalFeaturizer:
        return cls(config, execution_context.node_name)

    def _featurize(self, message: Message, now: datetime | None) -> None:
        signals = extraction_of(message, now).signals
        weight = float(self._config["weight"])
        row = np.array(
            [[float(signals.get(name, 0.0)) * weight for name in SIGNAL_NAMES]],
            dtype=np.float32,
        )
        message.add_features(
            Features(scipy.sparse.coo_matrix(row), FEATURE_TYPE_SENTENCE, TEXT, self._name)
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            if example.get(TEXT):
                self._featurize(example, TRAINING_NOW)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._featurize(message, None)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class ChineseFactExtractor(GraphComponent, EntityExtractorMixin):
    """Publishes entities, and facts / correction / query according to the intent.

    Place it after the intent classifier: facts are only published for `log_activity`, so
    a number in chatter ("下午3点开会") never becomes a ledger fact.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"timezone": DEFAULT_TIMEZONE}

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ChineseFactExtractor:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            now = message_now(message, self._config["timezone"])
            extraction = extraction_of(message, now)
            entities = [
                {
                    "entity": span.entity,
                    "start": span.start,
                    "end": span.end,
                    "value": span.value,
                    "confidence_entity": 1.0,
                }
                for span in extraction.spans
            ]
            message.set(
                ENTITIES,
                (message.get(ENTITIES) or []) + self.add_extractor_name(entities),
                add_to_output=True,
            )
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            facts, correction, query = published(extraction, intent)
            message.set(FACTS_KEY, [fact.to_dict() for fact in facts], add_to_output=True)
            message.set(
                CORRECTION_KEY, correction.to_dict() if correction else None, add_to_output=True
            )
            message.set(QUERY_KEY, query.to_dict() if query else None, add_to_output=True)
        return messages
