"""A bare follow-up takes its topic from the same person's previous work message in the same
room, within the window (actions/follow_up.py, nlu/follow_up.py): through the dispatcher with
the trained parser and a real ledger (SQLite and PostgreSQL), and through a replayed export.
The parse itself stays a function of the text."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.channels.replay import CHANNEL, replay
from bot.onboarding import ExportRegistrar
from bot.storage.models import Fact, FactStatus, Message
from nlu.follow_up import Topic, is_follow_up, read_follow_up
from nlu.result import Fact as ParsedFact
from nlu.result import ParseResult

DAY = "2024-05-16"  # a Thursday
NOW = datetime.fromisoformat(f"{DAY}T15:30:00+08:00")


@pytest.fixture
def say(dispatcher, registered, make_message):
    """say(text, "10:20", sender="zhang") -> the reply texts; messages go to room grp-1."""

    def send(text: str, clock: str, sender: str = "zhang", room: str = "grp-1") -> list[str]:
        message = make_message(text, time=f"{DAY}T{clock}:00", sender=sender, room=room)
        return [reply.text for reply in dispatcher.handle(message)]

    return send


def facts_of(session_factory, text: str) -> list[tuple]:
    """(section, activity, value, unit, date, status) of the facts the message logged."""
    with session_factory() as session:
        message = session.execute(select(Message).where(Message.text == text)).scalar_one()
        return [
            (f.section, f.activity, f.value, f.unit, f.fact_date, f.status)
            for f in session.execute(
                select(Fact).where(Fact.message_id == message.id).order_by(Fact.id)
            ).scalars()
        ]


def row(session_factory, text: str) -> Message:
    with session_factory() as session:
        return session.execute(select(Message).where(Message.text == text)).scalar_one()


def test_a_bare_follow_up_takes_the_topic_of_the_previous_report(say, session_factory, parser):
    say("今天排查矛盾纠纷3起", "10:00")
    (reply,) = say("又排查了6处", "10:20")
    ((section, activity, value, unit, day, status),) = facts_of(session_factory, "又排查了6处")
    assert (section, value, unit, day, status) == ("disputes", 6, "处", date(2024, 5, 16), "active")
    assert reply.startswith("已记录：") and f"{activity} 6处" in reply and "更正为7处" in reply
    alone = parser.parse("又排查了6处", NOW)  # the parse is the text's: it guesses another section
    assert [f.section for f in alone.facts] != ["disputes"]
    stored = row(session_factory, "又排查了6处")
    assert json.loads(stored.parse_json) == json.loads(json.dumps(alone.to_dict())) | {
        "id": stored.id
    }
    first = row(session_factory, "今天排查矛盾纠纷3起")
    assert stored.note.startswith(f"follow-up of message {first.id}") and stored.status == "logged"


def test_a_verb_or_a_bare_count_goes_on_with_the_topic(say, session_factory):
    say("今天调解纠纷3件", "09:00")
    say("下午又调了一起", "09:30")
    say("还有两起", "09:40")
    assert facts_of(session_factory, "下午又调了一起") == [
        ("disputes", "调解矛盾纠纷", 1, "起", date(2024, 5, 16), "active")
    ]
    assert facts_of(session_factory, "还有两起") == [  # a chain: the follow-up before is the topic
        ("disputes", "调解矛盾纠纷", 2, "起", date(2024, 5, 16), "active")
    ]
    say("今天开展普法宣传2场", "11:00")
    (reply,) = say("还有两场", "11:10")
    assert facts_of(session_factory, "还有两场") == [
        ("publicity", "开展普法宣传活动", 2, "场", date(2024, 5, 16), "active")
    ]
    assert reply.startswith("已记录：开展普法宣传活动 2场")
    say("还有500份", "11:15")  # a unit the topic does not count: its sibling that does
    assert facts_of(session_factory, "还有500份") == [
        ("publicity", "发放宣传资料", 500, "份", date(2024, 5, 16), "active")
    ]


def test_another_persons_message_does_not_inherit(say, session_factory):
    say("今天开展普法宣传2场", "11:00", sender="zhang")
    assert say("还有两场", "11:10", sender="li") == []
    assert facts_of(session_factory, "还有两场") == []


def test_another_rooms_report_does_not_set_the_topic(say, session_factory):
    with session_factory() as session:
        from bot.storage.registry import bind_room, find_town

        bind_room(session, "test", "grp-2", find_town(session, "白岩镇"), topic="另一个群")
        session.commit()
    say("今天开展普法宣传2场", "11:00", room="grp-2")
    assert say("还有两场", "11:10", room="grp-1") == []
    assert facts_of(session_factory, "还有两场") == []


def test_a_follow_up_after_the_window_does_not_inherit(say, session_factory, settings):
    assert settings.follow_up_window_minutes == 120
    say("今天开展普法宣传2场", "09:00")
    assert say("还有两场", "11:01") == []  # two hours and a minute later
    assert facts_of(session_factory, "还有两场") == []
    say("今天调解纠纷3件", "12:00")
    say("还有两起", "14:00")  # exactly at the end of the window
    assert [f[:4] for f in facts_of(session_factory, "还有两起")] == [
        ("disputes", "调解矛盾纠纷", 2, "起")
    ]


def test_a_follow_up_naming_its_own_work_keeps_it(say, session_factory):
    say("今天排查矛盾纠纷3起", "10:00")
    say("又开展了普法宣传1场", "10:20")
    assert [f[:4] for f in facts_of(session_factory, "又开展了普法宣传1场")] == [
        ("publicity", "开展普法宣传活动", 1, "场")
    ]
    assert row(session_factory, "又开展了普法宣传1场").note is None


def test_own_dates_date_the_follow_up_and_the_topics_day_otherwise(say, session_factory):
    say("今天排查矛盾纠纷3起", "09:00")
    say("上周又排查了4起", "09:10")
    say("10月份的补一下，还有5起", "09:20")
    assert facts_of(session_factory, "上周又排查了4起")[0][:5] == (
        "disputes",
        "排查矛盾纠纷",
        4,
        "起",
        date(2024, 5, 6),
    )
    assert facts_of(session_factory, "10月份的补一下，还有5起")[0][::4] == (
        "disputes",
        date(2023, 10, 1),
    )
    say("上周五组织干部学法1次", "10:00")
    say("还有42人", "10:05")  # the people who took part, on the day the report before names
    ((section, activity, value, unit, day, _),) = facts_of(session_factory, "还有42人")
    assert (section, activity, value, unit, day) == (
        "study",
        "参学人数",
        42,
        "人",
        date(2024, 5, 10),
    )


def test_what_is_not_work_done_is_not_inherited(say, session_factory):
    say("今天调解纠纷3件", "09:00")
    for text in (
        "还有两起没调解",
        "明天还有两起",
        "还有两起吗",
        "还有两个小时开会",
        "我也去了3个村",
        "收到，一季度合计5起",  # a running total
    ):
        say(text, "09:10")
        assert facts_of(session_factory, text) == [], text


def test_a_follow_up_is_corrected_and_retracted_as_any_report(say, session_factory):
    say("今天调解纠纷3件", "09:00")
    say("还有两起", "09:10")
    (changed,) = say("更正为4起", "09:12")
    assert "2起 → 4起" in changed
    assert [f[2:4] + f[5:] for f in facts_of(session_factory, "还有两起")] == [
        (2, "起", "superseded"),
        (4, "起", "active"),
    ]
    (retracted,) = say("撤回", "09:15")
    assert retracted.startswith("已撤回：调解矛盾纠纷 4起")
    with session_factory() as session:
        active = session.execute(
            select(Fact.value).where(Fact.status == FactStatus.ACTIVE)
        ).scalars()
        assert list(active) == [Decimal(3)]  # the first report stands


def test_a_replayed_export_reads_follow_ups_the_same_way(tmp_path, settings, dispatcher):
    lines = [
        ("2024-05-16T09:00:00+08:00", "张三", "今天调解纠纷3件"),
        ("2024-05-16T09:20:00+08:00", "李四", "还有两起"),
        ("2024-05-16T09:30:00+08:00", "张三", "下午又调了一起"),
        ("2024-05-16T13:00:00+08:00", "张三", "还有两起"),
    ]
    export = tmp_path / "export.jsonl"
    export.write_text(
        "".join(
            json.dumps({"time": t, "room": "群1", "sender": s, "text": x}, ensure_ascii=False)
            + "\n"
            for t, s, x in lines
        ),
        encoding="utf-8",
    )
    registrar = ExportRegistrar(dispatcher.session_factory, "白岩镇", CHANNEL)
    summary = replay(export, dispatcher, admit=registrar.admit)
    assert summary.messages == 4 and summary.facts_logged == 2
    with dispatcher.session_factory() as session:
        logged = session.execute(
            select(Message.sender_name, Fact.activity, Fact.value, Fact.unit)
            .join(Fact, Fact.message_id == Message.id)
            .order_by(Fact.id)
        ).all()
    assert [tuple(r) for r in logged] == [
        ("张三", "调解矛盾纠纷", Decimal(3), "件"),
        ("张三", "调解矛盾纠纷", Decimal(1), "起"),
    ]


# --- the step itself, with parses built by hand -----------------------------------------------

TOPIC = [Topic("publicity", "开展普法宣传活动", "场", date(2024, 5, 10))]


def chatter(text: str) -> ParseResult:
    return ParseResult(text=text, intent="out_of_scope", confidence=0.9)


def test_follow_up_words_come_from_the_lexicon():
    assert is_follow_up("还有两场") and is_follow_up("又排查了6处") and is_follow_up("另外3件")
    assert not is_follow_up("今天排查矛盾纠纷3起")  # no follow-up word
    assert not is_follow_up("还没调解")  # work not done
    assert not is_follow_up("还有几场？")  # a question (cues.yml)


def test_the_step_fills_what_the_parser_guessed_and_keeps_what_it_knew():
    read = read_follow_up("还有两场", NOW, chatter("还有两场"), TOPIC, keep_above=0.9)
    assert read is not None and read.intent == "log_activity"
    assert [(f.section, f.activity, f.value, f.unit, f.date) for f in read.facts] == [
        ("publicity", "开展普法宣传活动", 2, "场", date(2024, 5, 10))
    ]

    def parsed(confidence: float) -> ParseResult:
        guess = ParsedFact("legal_services", "法律服务", 2, "场", NOW.date(), confidence=confidence)
        return ParseResult("还有两场", "log_activity", 0.9, [guess])

    unsure = read_follow_up("还有两场", NOW, parsed(0.6), TOPIC, keep_above=0.9)
    assert unsure is not None and [f.section for f in unsure.facts] == ["publicity"]
    assert read_follow_up("还有两场", NOW, parsed(0.95), TOPIC, keep_above=0.9) is None
    assert read_follow_up("还有两场", NOW, chatter("还有两场"), [], keep_above=0.9) is None
    asked = ParseResult("还有两场", "query_progress", 0.9)
    assert read_follow_up("还有两场", NOW, asked, TOPIC, keep_above=0.9) is None
    mediated = [Topic("disputes", "调解矛盾纠纷", "件", date(2024, 5, 16))]
    two = read_follow_up("还有两起", NOW, chatter("还有两起"), mediated, keep_above=0.9)
    assert two is not None and [(f.activity, f.unit) for f in two.facts] == [("调解矛盾纠纷", "起")]
    # a unit the topic's activity is not counted in (the catalogue's units): no guess
    assert read_follow_up("还有三个", NOW, chatter("还有三个"), mediated, keep_above=0.9) is None
