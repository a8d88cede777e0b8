"""A summary of work the ledger already holds adds nothing (actions/recaps.py): its figures are
kept as running totals and checked; figures the ledger lacks are logged as new work. Through the
dispatcher with a scripted parser (the parse is not under test) on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.dispatcher import UNPOSTED_NOTE, UNSURE_IMPORTED_NOTE, Dispatcher
from bot.storage.models import Fact, FactStatus, Message, MessageStatus
from nlu.result import Fact as ParsedFact
from nlu.result import ParseResult
from tests.ledger_helpers import ScriptedParser, logged

MONDAY, TUESDAY, THURSDAY = date(2024, 5, 13), date(2024, 5, 14), date(2024, 5, 16)
WEEKLY = "本周小结：调解纠纷3件，普法宣传2场"
MEDIATIONS = "本周调解小结：调解纠纷3件"
# Read as chatter quoting running totals: the classifier's reading of a bare summary
CHATTER_WEEKLY = "本周工作小结：调解纠纷3件，普法宣传2场"
TO_DATE = "累计调解纠纷56件"


def quoted(text: str, *figures: tuple):
    """An out_of_scope result keeping the running totals it quotes (nlu.components)."""

    def build(now: datetime) -> ParseResult:
        facts = [
            ParsedFact(section, activity, value, unit, now.date(), role="running_total")
            for section, activity, value, unit in figures
        ]
        return ParseResult(text=text, intent="out_of_scope", confidence=0.9, facts=facts)

    return build


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
    CHATTER_WEEKLY: quoted(
        CHATTER_WEEKLY,
        ("disputes", "调解矛盾纠纷", 3, "件"),
        ("publicity", "开展普法宣传活动", 2, "场"),
    ),
    TO_DATE: quoted(TO_DATE, ("disputes", "调解矛盾纠纷", 56, "件")),
    "周二排查矛盾纠纷1次": logged(
        "周二排查矛盾纠纷1次", ("disputes", "排查矛盾纠纷", 1, "次", TUESDAY)
    ),
}


@pytest.fixture
def say(settings, session_factory, registered, make_message):
    bot = Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))

    def send(text: str, day: date, addressed: bool = False, live: bool = True) -> list[str]:
        message = make_message(text, time=f"{day}T17:00:00", mentions_bot=addressed)
        message = dataclasses.replace(message, live=live)
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


def test_a_summary_read_as_chatter_of_work_nobody_posted_is_asked_then_logged(
    say, session_factory
):
    (question,) = say(CHATTER_WEEKLY, THURSDAY)
    assert "是记为" in question and "调解" in question and "普法" in question
    assert active(session_factory) == []  # nothing logged before the answer
    row = stored(session_factory, CHATTER_WEEKLY)
    assert row.status == MessageStatus.ASKED and row.note.startswith(UNPOSTED_NOTE)
    say("是", THURSDAY)
    # the work of the week named, dated on its first day
    assert [f[:4] for f in active(session_factory)] == [
        ("disputes", Decimal(3), "件", MONDAY),
        ("publicity", Decimal(2), "场", MONDAY),
    ]


def test_only_the_totals_the_ledger_holds_nothing_of_are_proposed(say, session_factory):
    say("周二调解纠纷2件", TUESDAY)
    replies = say(CHATTER_WEEKLY, THURSDAY)
    question = replies[-1]
    assert "普法" in question and "调解" not in question
    proposal = json.loads(stored(session_factory, CHATTER_WEEKLY).parse_json)["facts"]
    roles = {f["section"]: f.get("role", "new") for f in proposal}
    assert roles == {"disputes": "running_total", "publicity": "new"}


def test_a_section_posted_in_another_unit_is_no_unposted_work(say, session_factory):
    """A total of 3件 beside a posted 排查1次: the section was reported that week, and its
    total may restate what was posted in other words; it is checked, not proposed."""
    say("周二排查矛盾纠纷1次", TUESDAY)
    question = say(CHATTER_WEEKLY, THURSDAY)[-1]
    assert "普法" in question and "调解" not in question


def test_an_imported_summary_of_unposted_work_is_logged_marked_unsure(say, session_factory):
    say(CHATTER_WEEKLY, THURSDAY, live=False)
    assert [f[:3] for f in active(session_factory)] == [
        ("disputes", Decimal(3), "件"),
        ("publicity", Decimal(2), "场"),
    ]
    row = stored(session_factory, CHATTER_WEEKLY)
    assert row.status == MessageStatus.LOGGED
    assert row.note.startswith(UNSURE_IMPORTED_NOTE) and UNPOSTED_NOTE in row.note


def test_a_quoted_total_naming_no_stretch_of_days_stays_chatter(say, session_factory):
    assert say(TO_DATE, THURSDAY) == []
    assert active(session_factory) == []
    assert stored(session_factory, TO_DATE).status == MessageStatus.IGNORED
