"""A summary of work the ledger already holds adds nothing (actions/recaps.py): its figures are
kept as running totals and checked; figures the ledger lacks are logged as new work. Through the
dispatcher with a scripted parser (the parse is not under test) on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.dispatcher import Dispatcher
from bot.storage.models import Fact, FactStatus, Message, MessageStatus
from tests.ledger_helpers import ScriptedParser, logged

MONDAY, TUESDAY, THURSDAY = date(2024, 5, 13), date(2024, 5, 14), date(2024, 5, 16)
WEEKLY = "本周小结：调解纠纷3件，普法宣传2场"
MEDIATIONS = "本周调解小结：调解纠纷3件"

SCRIPT = {
    "周一调解纠纷1件": logged("周一调解纠纷1件", ("disputes", "调解矛盾纠纷", 1, "件", MONDAY)),
    "周二调解纠纷2件": logged("周二调解纠纷2件", ("disputes", "调解矛盾纠纷", 2, "件", TUESDAY)),
    "今天调解纠纷3件": logged("今天调解纠纷3件", ("disputes", "调解矛盾纠纷", 3, "件")),
    "本周又调解纠纷3件": logged("本周又调解纠纷3件", ("disputes", "调解矛盾纠纷", 3, "件")),
    MEDIATIONS: logged(MEDIATIONS, ("disputes", "调解矛盾纠纷", 3, "件")),
    WEEKLY: logged(
        WEEKLY,
        ("disputes", "调解矛盾纠纷", 3, "件"),
        ("publicity", "开展普法宣传活动", 2, "场"),
    ),
}


@pytest.fixture
def say(settings, session_factory, registered, make_message):
    bot = Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))

    def send(text: str, day: date, addressed: bool = False) -> list[str]:
        message = make_message(text, time=f"{day}T17:00:00", mentions_bot=addressed)
        return [reply.text for reply in bot.handle(message)]

    return send


def active(session_factory) -> list[tuple[str, Decimal, str, date, str]]:
    with session_factory() as session:
        rows = session.execute(
            select(Fact, Message.text)
            .join(Message, Message.id == Fact.message_id)
            .where(Fact.status == FactStatus.ACTIVE)
            .order_by(Fact.id)
        ).all()
        return [(f.section, f.value, f.unit, f.fact_date, text) for f, text in rows]


def stored(session_factory, text: str) -> Message:
    with session_factory() as session:
        return session.execute(select(Message).where(Message.text == text)).scalar_one()


def test_a_summary_repeating_the_weeks_records_adds_only_what_the_ledger_lacks(
    say, session_factory
):
    say("周一调解纠纷1件", MONDAY)
    say("周二调解纠纷2件", TUESDAY)
    say(WEEKLY, THURSDAY)
    facts = active(session_factory)
    # 3件 is the week's two records (1 + 2): a recap; the 2 场 of publicity were never posted
    assert [f[:3] for f in facts] == [
        ("disputes", Decimal(1), "件"),
        ("disputes", Decimal(2), "件"),
        ("publicity", Decimal(2), "场"),
    ]
    assert facts[-1][4] == WEEKLY
    row = stored(session_factory, WEEKLY)
    assert row.status == MessageStatus.LOGGED and row.note.startswith("recap of figures")
    roles = {f["section"]: f.get("role", "new") for f in json.loads(row.parse_json)["facts"]}
    assert roles == {"disputes": "running_total", "publicity": "new"}


def test_a_summary_of_nothing_posted_is_new_work(say, session_factory):
    say(WEEKLY, THURSDAY)
    assert [f[:3] for f in active(session_factory)] == [
        ("disputes", Decimal(3), "件"),
        ("publicity", Decimal(2), "场"),
    ]
    assert stored(session_factory, WEEKLY).note is None


def test_one_earlier_record_of_the_same_size_is_no_summary(say, session_factory):
    say("今天调解纠纷3件", MONDAY)
    say("本周又调解纠纷3件", THURSDAY)
    assert [f[1] for f in active(session_factory)] == [Decimal(3), Decimal(3)]


def test_an_addressed_summary_that_only_repeats_is_answered_as_agreeing(say, session_factory):
    say("周一调解纠纷1件", MONDAY)
    say("周二调解纠纷2件", TUESDAY)
    (reply,) = say(MEDIATIONS, THURSDAY, addressed=True)
    assert len(active(session_factory)) == 2  # nothing added
    assert "3件" in reply and "一致" in reply
    assert stored(session_factory, MEDIATIONS).status == MessageStatus.ANSWERED
