"""nlu.intent_classifier weighs each training line by the corpus file it comes from
(config.yml `source_weights`); lines of other sources and Rasa's YAML weigh 1."""

from __future__ import annotations

from nlu.corpus import to_messages
from nlu.intent_classifier import LinearIntentClassifier, source_weights

RECORD = {"now": "2025-03-14T10:00:00+08:00", "intent": "log_activity", "facts": []}


def _messages():
    records = [
        {**RECORD, "text": "调解纠纷3件", "source": "generated-catalogue"},
        {**RECORD, "text": "今天调解纠纷2件", "source": "writer-w01"},
        {**RECORD, "text": "收到"},
    ]
    return list(to_messages(records))


def test_each_line_weighs_by_its_source():
    weights = source_weights(_messages(), {"generated-catalogue": 0.3})
    assert weights is not None and list(weights) == [0.3, 1.0, 1.0]


def test_no_weights_fit_unweighted():
    assert source_weights(_messages(), {}) is None
    assert LinearIntentClassifier.get_default_config()["source_weights"] == {}
