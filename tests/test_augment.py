"""Generated variety keeps the labels: a noisy copy of a corpus line has the same intent,
figures, roles and dates, its spans still point into its text, and the number reader reads
the same values from it."""

from __future__ import annotations

from datetime import datetime

import pytest

from nlu.augment import chinese_numeral, noisy_copy
from nlu.corpus import check_record, read_corpus
from nlu.facts import BOT_NAME, extract


def _without_spans(items):
    return [{k: v for k, v in item.items() if k != "span"} for item in items or []]


@pytest.fixture(scope="module")
def corpus():
    records, _ = read_corpus()
    return records


def test_every_noisy_copy_is_a_valid_line_with_the_same_labels(corpus):
    changed = 0
    for record in corpus:
        copy = noisy_copy(record)
        if copy is None:
            continue
        changed += copy["text"] != record["text"]
        assert check_record(copy) is None, (record["id"], copy["text"])
        assert copy["intent"] == record["intent"] and copy["now"] == record["now"]
        assert _without_spans(copy.get("facts")) == _without_spans(record.get("facts"))
        assert copy["id"] == f"{record['id']}~noisy"
    assert changed > 0.9 * len(corpus)


def test_the_bots_name_is_never_misspelt(corpus):
    for record in corpus:
        copy = noisy_copy(record)
        if copy and record["text"].startswith("@" + BOT_NAME):
            assert BOT_NAME in copy["text"]


def test_chinese_numerals_keep_the_value():
    assert [chinese_numeral(n) for n in (1, 2, 10, 12, 20, 38)] == [
        "一", "两", "十", "十二", "二十", "三十八",
    ]  # fmt: skip
    record = {
        "id": "t-1",
        "now": "2024-05-16T10:00:00+08:00",
        "text": "今天调解纠纷3件，接待来访12人次",
        "intent": "log_activity",
        "facts": [
            {"section": "disputes", "activity": "调解矛盾纠纷", "value": 3, "unit": "件",
             "date": "2024-05-16", "place": None, "role": "new", "span": "3件"},
            {"section": "disputes", "activity": "接待来访", "value": 12, "unit": "人次",
             "date": "2024-05-16", "place": None, "role": "new", "span": "12人次"},
        ],
        "other_numbers": [],
    }  # fmt: skip
    seen_numerals = False
    for index in range(40):  # the changes chosen depend on the id
        copy = noisy_copy({**record, "id": f"t-{index}"})
        assert copy is not None and check_record(copy) is None
        read = extract(copy["text"], datetime.fromisoformat(copy["now"]), BOT_NAME)
        values = sorted(q.value for q in read.analysis.quantities)
        assert values == [3, 12], copy["text"]
        seen_numerals |= "三件" in copy["text"]
    assert seen_numerals
