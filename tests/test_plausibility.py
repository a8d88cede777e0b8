"""Implausible values are asked about, never logged: huge or negative numbers, exponents,
template junk, impossible and far-away dates; invisible characters do not split a number."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.dispatcher import Dispatcher
from bot.plausibility import check, impossible_date
from bot.storage.models import Fact, Message, MessageStatus
from nlu.result import Fact as ParsedFact
from nlu.result import ParseResult

REFUSED = [
    "今天调解纠纷一亿亿亿件",
    "今天调解纠纷" + "9" * 30 + "件",
    "今天调解纠纷-3件",
    "今天调解纠纷1e-308件",
    "2月30日调解纠纷3件",
    "13月1日调解纠纷3件",
    "2024-13-45调解纠纷3件",
    "2099年5月1日调解纠纷3件",
    "{{7*7}}",
    "今天调解纠纷{{7*7}}件",
]


@pytest.mark.parametrize("text", REFUSED)
def test_implausible_values_are_asked_about_not_logged(
    text, settings, session_factory, parser, registered, make_message
):
    bot = Dispatcher(settings, session_factory, parser)
    outcome = bot.process(make_message(text, mentions_bot=True))
    assert outcome.facts_logged == 0
    assert outcome.status in (MessageStatus.NOT_UNDERSTOOD, MessageStatus.IGNORED)
    with session_factory() as session:
        assert session.execute(select(Fact)).first() is None
        row = session.execute(select(Message)).scalar_one()
    if outcome.status == MessageStatus.NOT_UNDERSTOOD:
        assert outcome.replies and outcome.replies[0].text
    assert row.status == outcome.status


@pytest.mark.parametrize(
    "text,value",
    [
        ("今天调解纠纷1\u200b2件", 12),
        ("今天调解纠纷1\u202e2件", 12),
        ("今天调解纠纷3件", 3),
        ("2月29日调解纠纷3件", 3),  # 2024 is a leap year
        ("5月16日-17日调解纠纷2件", 2),
    ],
)
def test_plausible_values_are_logged(
    text, value, settings, session_factory, parser, registered, make_message
):
    # Only plausibility decides here: asking when the model is unsure is tested in
    # test_dispatcher, and how sure the model is of one line is not this test's subject.
    settings = settings.copy(update={"confidence_threshold": 0.0, "fact_confidence_threshold": 0.0})
    bot = Dispatcher(settings, session_factory, parser)
    outcome = bot.process(make_message(text))
    assert outcome.status == MessageStatus.LOGGED
    with session_factory() as session:
        facts = session.execute(select(Fact)).scalars().all()
    assert [int(f.value) for f in facts] == [value]


def _result(value: float, unit: str, day: date = date(2024, 5, 16)) -> ParseResult:
    fact = ParsedFact("disputes", "调解矛盾纠纷", value, unit, day)
    return ParseResult(text="", intent="log_activity", confidence=0.9, facts=[fact])


def test_limits_by_unit_kind():
    today = date(2024, 5, 16)
    assert check("x", _result(300, "件"), today) is None
    assert check("x", _result(2_000_000, "件"), today).key == "too_large"
    assert check("x", _result(50, "亿元"), today) is None
    assert check("x", _result(500, "亿元"), today).key == "too_large"
    assert check("x", _result(-3, "件"), today).key == "negative"
    assert check("x", _result(3, "件", date(2024, 6, 30)), today).key == "future_date"
    assert check("x", _result(3, "件", date(1999, 6, 30)), today).key == "old_date"


def test_impossible_dates_as_written():
    today = date(2024, 5, 16)
    for text in ("二月三十日", "2023年2月29日", "4月31号", "0月3日", "2024/02/30"):
        assert impossible_date(text, today) is not None, text
    for text in ("二月二十九日", "十二月三十一日", "2024.2.29", "3个月", "12月"):
        assert impossible_date(text, today) is None, text
