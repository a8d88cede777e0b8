"""The parse contract through the trained Rasa model (nlu.parser), as the bot and CLI use it."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nlu.result import INTENTS

NOW = datetime(2024, 5, 16, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Thursday
CONTRACT_KEYS = {"id", "text", "intent", "confidence", "facts", "correction", "query"}
FACT_KEYS = {"section", "activity", "value", "unit", "date", "place"}


def facts_of(result) -> list[tuple]:
    return sorted((f.section, f.value, f.unit, f.date) for f in result.facts)


def test_single_fact_is_logged_with_the_message_day(parser):
    result = parser.parse("今天调解纠纷3件", NOW, id=7)
    assert result.intent == "log_activity"
    assert facts_of(result) == [("disputes", 3, "件", date(2024, 5, 16))]
    out = result.to_dict()
    assert set(out) == CONTRACT_KEYS and out["id"] == 7
    assert set(out["facts"][0]) == FACT_KEYS
    assert out["facts"][0]["date"] == "2024-05-16" and out["facts"][0]["value"] == 3


def test_several_facts_one_place_relative_date(parser):
    text = "@法治台账 昨天在白岩村开展普法宣传两场，发放资料500份"
    result = parser.parse(text, NOW)
    assert result.intent == "log_activity"
    assert facts_of(result) == [
        ("publicity", 2, "场", date(2024, 5, 15)),
        ("publicity", 500, "份", date(2024, 5, 15)),
    ]
    assert {f.place for f in result.facts} == {"白岩村"}


def test_money_keeps_its_written_unit(parser):
    result = parser.parse("前天帮群众追回欠薪6.177万元，调解劳资纠纷一起", NOW)
    money = [f for f in result.facts if f.unit == "万元"]
    assert money and math.isclose(money[0].value, 6.177)
    assert all(f.date == date(2024, 5, 14) for f in result.facts)


@pytest.mark.parametrize("text", ["收到", "好的👍", "明天3点开会", "电话13812345678"])
def test_chatter_is_out_of_scope_without_facts(parser, text):
    result = parser.parse(text, NOW)
    assert result.intent == "out_of_scope"
    assert result.facts == []


def test_value_correction(parser):
    result = parser.parse("刚才那条写错了，是4件", NOW)
    assert result.intent == "correct_last"
    assert result.to_dict()["correction"] == {"value": 4}
    assert result.correction.unit == "件"  # which figure is meant, kept off the contract
    assert result.facts == []


def test_retraction(parser):
    result = parser.parse("撤回", NOW)
    assert result.intent == "correct_last"
    assert result.to_dict()["correction"] == {"retract": True}


@pytest.mark.parametrize(
    ("text", "expected", "unit"),
    [
        ("@法治台账 横幅刚才少算了5条", {"delta": 5}, "条"),
        ("上一条多报了2场，有两场是重复的", {"delta": -2}, "场"),
        ("@法治台账 应该是45人，不是40", {"value": 45}, "人"),
        ("发错群了，这条不算", {"retract": True}, None),
    ],
)
def test_corrections_as_people_write_them(parser, text, expected, unit):
    result = parser.parse(text, NOW)
    assert result.intent == "correct_last"
    assert result.to_dict()["correction"] == expected
    assert result.correction.unit == unit


def test_progress_query(parser):
    result = parser.parse("今年调解多少件了", NOW)
    assert result.intent == "query_progress"
    assert result.query is not None
    assert (result.query.section, result.query.period) == ("disputes", "year")
    assert result.facts == []


def test_uncovered_sections_query(parser):
    result = parser.parse("哪些板块还没有记录", NOW)
    assert result.intent == "query_progress"
    assert result.query is not None and result.query.uncovered


BAD_INPUTS = [
    "",
    "   \n\t ",
    "😀😀😀",
    "调解" * 5000,
    "开展普法宣传\x00\x07\x1b2场\u200b",
    "hello world 123",
    "Meeting at 3pm, room 302",
    "99999999999999999999",
    "调解纠纷99999999999999999999件",
    "１２３４５６７８９０" * 1000,
    None,
]


@pytest.mark.parametrize("text", BAD_INPUTS, ids=range(len(BAD_INPUTS)))
def test_bad_input_always_gives_valid_output(parser, text):
    out = parser.parse(text, NOW, id="x").to_dict()
    assert set(out) == CONTRACT_KEYS
    assert out["intent"] in INTENTS
    assert 0.0 <= out["confidence"] <= 1.0
    json.dumps(out, ensure_ascii=False, allow_nan=False)  # finite numbers only
    for fact in out["facts"]:
        assert set(fact) == FACT_KEYS and math.isfinite(fact["value"])


@pytest.mark.parametrize("text", ["", "   ", "😀", "hello world 123", "99999999999999999999"])
def test_numbers_without_work_never_become_facts(parser, text):
    assert parser.parse(text, NOW).facts == []


def test_a_batch_parses_each_message_as_it_would_alone(parser):
    """parse_many (one graph run for a replayed batch) equals parse, message by message,
    each with its own time for relative dates; blank texts keep their place."""
    lines = [
        json.loads(line)
        for line in (Path(__file__).parent / "data" / "year_chat.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()[:120]
    ]
    items = [(line["text"], datetime.fromisoformat(line["time"])) for line in lines]
    items[5:5] = [("", NOW), (None, NOW), ("\u200b", NOW), ("昨天调解纠纷2件", NOW)]
    batch = parser.parse_many(items)
    alone = [parser.parse(text, now) for text, now in items]
    assert [r.to_dict() for r in batch] == [r.to_dict() for r in alone]
    assert sum(len(r.facts) for r in batch) > 50
    assert batch[8].facts[0].date == date(2024, 5, 15)  # "昨天" of its own time


# Questions of the kinds people ask, written for these tests: the period named in any words
# (nlu.periods), the section or none, and whether the question asks for the empty sections
# (learned from the corpus).
@pytest.mark.parametrize(
    ("text", "section", "period", "uncovered"),
    [
        ("@法治台账 这个月普法记了没有", "publicity", "month", False),
        ("@法治台账 上礼拜的帮我统计一下", None, "week", False),
        ("@法治台账 3月份全镇一共报了几条", None, "month", False),
        ("@法治台账 上月信访接待了多少人次", "disputes", "month", False),
        ("@法治台账 第二季度执法检查搞了几次", "enforcement", "quarter", False),
        ("@法治台账 去年调解了多少件", "disputes", "year", False),
        ("@法治台账 今年还有哪些方面是空白的", None, "year", True),
        ("@法治台账 哪几个板块一条都没有", None, None, True),
    ],
)
def test_question_kinds(parser, text, section, period, uncovered):
    result = parser.parse(text, NOW)
    assert result.intent == "query_progress"
    query = result.query
    assert query is not None
    assert (query.section, query.period, query.uncovered) == (section, period, uncovered)


def test_question_shows_its_days(parser):
    out = parser.parse("@法治台账 上个月调解了几件", NOW).to_dict()
    assert out["query"]["period"] == "month"
    assert (out["query"]["start"], out["query"]["end"]) == ("2024-04-01", "2024-04-30")


def test_an_event_is_one_beside_the_materials_it_handed_out(parser):
    # The 500份 counts the leaflets, not the event: the event itself is still one 场.
    result = parser.parse("今天在集市搞了场普法宣传 发了资料500份", NOW)
    assert result.intent == "log_activity"
    assert facts_of(result) == [
        ("publicity", 1, "场", date(2024, 5, 16)),
        ("publicity", 500, "份", date(2024, 5, 16)),
    ]


def test_people_counted_with_ge_are_people(parser):
    # "七个" after 去了 counts the village's cadres: a head count, stored in 人 (the contract).
    result = parser.parse("今天全体村干部到镇里学法，学土地管理法，我们村去了七个", NOW)
    assert (
        "study",
        7,
        "人",
        date(2024, 5, 16),
    ) in facts_of(result)


def test_each_carries_to_the_next_clause(parser):
    text = "今天东风社区、南关社区各开展一场民法典宣传，各发放资料600份"
    result = parser.parse(text, NOW)
    assert facts_of(result) == [
        ("publicity", 2, "场", date(2024, 5, 16)),
        ("publicity", 1200, "份", date(2024, 5, 16)),
    ]


def test_one_piece_of_work_told_over_several_sentences_is_counted_once(parser):
    text = "今天在白岩村把老张家和老李家的宅基地纠纷调了，两家吵了大半年，最后说和了，签了协议"
    result = parser.parse(text, NOW)
    assert facts_of(result) == [("disputes", 1, "件", date(2024, 5, 16))]


@pytest.mark.parametrize(
    "text",
    [
        "今天中心组集中学习了民法典，晚上机关支部又组织学习了宪法",
        "今天在石桥村搞了普法宣传，下午又去白岩村搞了普法宣传",
    ],
)
def test_the_same_work_done_again_in_one_message_is_counted_twice(parser, text):
    result = parser.parse(text, NOW)
    ones = [(f.section, f.value) for f in result.facts]
    assert len(ones) == 2 and len({section for section, _ in ones}) == 1
    assert all(value == 1 for _, value in ones)
