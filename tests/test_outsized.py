"""A new figure as large as the year so far (bot/storage/outsized.py) is asked about live and
held for review when imported, never added unasked. Through the dispatcher with a scripted
parser (the parse is not under test) on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.dispatcher import OUTSIZED_NOTE, Dispatcher
from bot.plausibility import year_to_date_thresholds
from bot.storage.models import Fact, FactStatus, Message, MessageStatus
from tests.ledger_helpers import ScriptedParser, logged, simple

INSPECTION = ("enforcement", "开展执法检查")
QUOTED = "王书记，定了：执法检查220次"
TWELVE = "今天执法检查12次"
JANUARY = "1月份执法检查25次"
LATER = "执法检查46次"


def inspections(value: int, day: date, text: str | None = None):
    text = text or f"{day}执法检查{value}次"
    return text, logged(text, (*INSPECTION, value, "次", day))


EARLIER = [inspections(v, date(2024, m + 2, 10)) for m, v in enumerate((3, 4, 2, 5, 6))]
SCRIPT = dict(EARLIER)
SCRIPT.update(
    {
        QUOTED: logged(QUOTED, (*INSPECTION, 220, "次")),
        TWELVE: logged(TWELVE, (*INSPECTION, 12, "次")),
        JANUARY: logged(JANUARY, (*INSPECTION, 25, "次", date(2024, 1, 8))),
        LATER: logged(LATER, (*INSPECTION, 46, "次")),
        "是": simple("是", "out_of_scope", confidence=0.9),
        "不是": simple("不是", "out_of_scope", confidence=0.9),
    }
)
AUGUST = date(2024, 8, 20)


@pytest.fixture
def say(settings, session_factory, registered, make_message):
    bot = Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))
    clock = iter(range(10, 60))

    def send(text: str, day: date = AUGUST, live: bool = True) -> list[str]:
        message = make_message(text, time=f"{day}T16:{next(clock):02d}:00", mentions_bot=True)
        return [reply.text for reply in bot.handle(dataclasses.replace(message, live=live))]

    return send


def inspection_values(session_factory) -> list[Decimal]:
    with session_factory() as session:
        return list(
            session.scalars(
                select(Fact.value).where(Fact.status == FactStatus.ACTIVE).order_by(Fact.id)
            )
        )


def stored(session_factory, text: str) -> Message:
    with session_factory() as session:
        return session.execute(select(Message).where(Message.text == text)).scalar_one()


def post_earlier(say, count: int = len(EARLIER)) -> None:
    for text, _ in EARLIER[:count]:
        say(text, date.fromisoformat(text[:10]))


def test_the_thresholds_come_from_data():
    assert year_to_date_thresholds() == (5, Decimal(2))


def test_a_figure_as_large_as_the_year_is_asked_about_and_logged_only_on_yes(
    say, session_factory
):
    post_earlier(say)
    (question,) = say(QUOTED)
    # the ledger's year so far: 5 records, 20次; nothing is added before the answer
    assert "220次" in question and "5条" in question and "20次" in question
    assert inspection_values(session_factory) == [3, 4, 2, 5, 6]
    assert stored(session_factory, QUOTED).status == MessageStatus.ASKED
    say("是")
    assert inspection_values(session_factory) == [3, 4, 2, 5, 6, 220]
    assert stored(session_factory, QUOTED).status == MessageStatus.LOGGED


def test_a_no_leaves_the_quoted_total_out_and_reviewable(say, session_factory):
    post_earlier(say)
    say(QUOTED)
    say("不是")
    assert inspection_values(session_factory) == [3, 4, 2, 5, 6]
    row = stored(session_factory, QUOTED)
    assert row.status == MessageStatus.NOT_UNDERSTOOD and OUTSIZED_NOTE in row.note


def test_an_imported_one_waits_for_review_without_a_reply(say, session_factory):
    post_earlier(say)
    assert say(QUOTED, live=False) == []
    row = stored(session_factory, QUOTED)
    assert row.status == MessageStatus.NOT_UNDERSTOOD and OUTSIZED_NOTE in row.note
    assert inspection_values(session_factory) == [3, 4, 2, 5, 6]


def test_a_figure_below_the_years_sum_is_logged(say, session_factory):
    post_earlier(say)
    (reply,) = say(TWELVE)
    assert "12次" in reply
    assert inspection_values(session_factory)[-1] == 12


def test_too_few_records_say_nothing_about_a_large_figure(say, session_factory):
    post_earlier(say, 4)
    say(QUOTED)
    assert inspection_values(session_factory)[-1] == 220


def test_a_figure_near_the_largest_record_is_logged(say, session_factory):
    say(JANUARY, date(2024, 1, 8))
    post_earlier(say)  # 45次 in 6 records, the largest 25: 46 is the sum and more, not twice 25
    say(LATER)
    assert inspection_values(session_factory)[-1] == 46


def test_only_this_years_records_count(say, session_factory):
    post_earlier(say)
    say(QUOTED, date(2025, 1, 15))
    assert inspection_values(session_factory)[-1] == 220
