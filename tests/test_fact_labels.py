"""How the labelled corpus teaches the number and event models (nlu/fact_model.py
training_labels): which written number a labelled fact claims, and which facts are events."""

from __future__ import annotations

from datetime import datetime

from nlu.fact_model import NONE, training_labels
from nlu.facts import extract

NOW = datetime(2024, 5, 16, 10, 0)


def labels_of(text: str, *facts: tuple[str, float, str, str]) -> tuple[list[str], list]:
    analysis = extract(text, NOW).analysis
    assert analysis is not None
    labelled = {
        "facts": [
            {"section": section, "value": value, "unit": unit, "span": span, "role": "new"}
            for section, value, unit, span in facts
        ]
    }
    return training_labels(analysis, labelled)


def test_one_thing_in_another_measure_is_an_article_and_the_work_an_event():
    text = "今天组织机关干部旁听了县法院一起行政诉讼案庭审，去了28人"
    classes, events = labels_of(
        text, ("study", 1, "次", "旁听了县法院一起行政诉讼案庭审"), ("study", 28, "人", "28人")
    )
    assert classes == [NONE, "new:study"]  # 一起 is no figure; 28人 is
    assert [(section, unit) for section, unit, _ in events] == [("study", "次")]


def test_a_count_in_its_own_measure_or_a_head_count_with_ge_is_the_figure():
    span = "调解了一起土地纠纷"
    classes, events = labels_of("今天" + span, ("disputes", 1, "起", span))
    assert (classes, events) == (["new:disputes"], [])
    classes, events = labels_of("来了二十几个", ("publicity", 20, "人", "来了二十几个"))
    assert (classes, events) == (["new:publicity"], [])
    classes, events = labels_of("上了两堂法治课", ("publicity", 2, "场", "上了两堂法治课"))
    assert (classes, events) == (["new:publicity"], [])  # two of them: a count whatever its word
