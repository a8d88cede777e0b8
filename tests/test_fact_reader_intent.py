"""The fact reader's say in the intent (nlu/fact_model.py LearnedFactReader.process): a work
message whose figures are all running totals is no work report, and a message the sentence
classifier calls chatter is one when a written figure reads as work done surely enough. The
number model is stubbed: what is under test is the decision, not a trained model's reading."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components import NOW_METADATA_KEY
from nlu.fact_model import LearnedFactReader
from nlu.facts import Extraction
from nlu.result import Fact

TEXT_WITH_FIGURE = "本周矛盾纠纷排查2次（周四、周五各一次）。"


class OneReading:
    """Reads the first written figure as `role` with probability `confidence`."""

    def __init__(self, role: str, confidence: float) -> None:
        self.role, self.confidence = role, confidence

    def read(self, extraction: Extraction, analysis, intent=None) -> Extraction:
        first = analysis.quantities[0]
        fact = Fact(
            "disputes",
            "排查矛盾纠纷",
            2,
            "次",
            date(2024, 6, 14),
            role=self.role,
            confidence=self.confidence,
        )
        return replace(extraction, facts=[fact], fact_anchors=[first.start])


def decided(
    intent: str, reading: OneReading, promote_floor: float = 0.9, confidence: float = 0.98
) -> dict:
    config = {**LearnedFactReader.get_default_config(), "promote_floor": promote_floor}
    reader = LearnedFactReader(config, None, None, models=reading)  # type: ignore[arg-type]
    message = Message(
        data={
            TEXT: TEXT_WITH_FIGURE,
            INTENT: {INTENT_NAME_KEY: intent, "confidence": confidence},
            METADATA: {NOW_METADATA_KEY: "2024-06-14T17:00:00+08:00"},
        }
    )
    (done,) = reader.process([message])
    return done.get(INTENT)


def decide(intent: str, reading: OneReading, promote_floor: float = 0.9) -> str:
    return decided(intent, reading, promote_floor)[INTENT_NAME_KEY]


@pytest.mark.parametrize(
    ("intent", "role", "confidence", "expected"),
    [
        ("out_of_scope", "new", 0.95, "log_activity"),  # sure work: promoted
        ("out_of_scope", "new", 0.85, "out_of_scope"),  # not sure enough
        ("out_of_scope", "running_total", 0.99, "out_of_scope"),  # a total is no work
        ("log_activity", "running_total", 0.99, "out_of_scope"),  # all totals: no report
        ("log_activity", "new", 0.5, "log_activity"),
        ("greet", "new", 0.99, "greet"),  # only chatter is promoted
    ],
)
def test_the_number_model_moves_the_intent_only_when_it_is_sure(intent, role, confidence, expected):
    assert decide(intent, OneReading(role, confidence)) == expected


def test_a_hesitant_work_report_is_as_sure_as_its_surest_figure():
    """"提供法律援助5件": the sentence model says work at 0.56, below the bot's threshold; the
    number model reads 5件 as work done at 0.999, and the report is understood that surely."""
    lifted = decided("log_activity", OneReading("new", 0.97), confidence=0.56)
    assert lifted == {INTENT_NAME_KEY: "log_activity", "confidence": 0.97}
    kept = decided("log_activity", OneReading("new", 0.85), confidence=0.56)  # not sure enough
    assert kept["confidence"] == 0.56
    sure = decided("log_activity", OneReading("new", 0.95), confidence=0.99)  # never lowered
    assert sure["confidence"] == 0.99


def test_promotion_is_off_by_default():
    floor = LearnedFactReader.get_default_config()["promote_floor"]
    assert decide("out_of_scope", OneReading("new", 0.999), floor) == "out_of_scope"


def test_a_number_is_read_role_first():
    """Work done spread over several sections outweighs `none` as its likeliest single label:
    "采伐1件" is work, of the likeliest section, with that label's own probability."""
    from nlu.fact_model import reading_of

    classes = ["none", "new:functions", "new:rules", "new:enforcement", "part"]
    label, role_probability, confidence = reading_of([0.37, 0.25, 0.2, 0.13, 0.05], classes)
    assert label == "new:functions"
    assert role_probability == pytest.approx(0.58) and confidence == pytest.approx(0.25)
    # a number the model calls no work as a whole stays no work
    label, role_probability, _ = reading_of([0.6, 0.15, 0.1, 0.1, 0.05], classes)
    assert label == "none" and role_probability == pytest.approx(0.6)
