"""The one message path: stored first, duplicates once (also after a restart), access
checks, low confidence and parser failures never lose or log a message."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.dispatcher import Dispatcher
from bot.storage import make_engine, make_session_factory
from bot.storage.models import Fact, Message
from bot.storage.registry import bind_room, get_or_create_town
from tests.ledger_helpers import ScriptedParser, logged, simple

SCRIPT = {
    "今天调解纠纷3件": logged("今天调解纠纷3件", ("disputes", "调解矛盾纠纷", 3, "件")),
    "调解了几个吧": logged("调解了几个吧", ("disputes", "调解矛盾纠纷", 3, "件"), confidence=0.41),
    "搞了一下那个": simple("搞了一下那个", "log_activity", confidence=0.9),
    "嗯嗯": simple("嗯嗯", "out_of_scope", confidence=0.3),
    "崩溃吧": RuntimeError("model exploded"),
    "帮助": simple("帮助", "help"),
    "开了个会说了说调解的事": logged(
        "开了个会说了说调解的事", ("disputes", "调解矛盾纠纷", 1, "件"), fact_confidence=0.3
    ),
    "是": simple("是", "out_of_scope", confidence=0.9),
}


@pytest.fixture
def scripted():
    return ScriptedParser(SCRIPT)


@pytest.fixture
def bot(settings, session_factory, registered, scripted):
    return Dispatcher(settings, session_factory, scripted)


def count(session_factory, model) -> int:
    with session_factory() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def message_row(session_factory, channel_message_id: str) -> Message:
    with session_factory() as session:
        return session.execute(
            select(Message).where(Message.channel_message_id == channel_message_id)
        ).scalar_one()


def test_message_is_stored_with_parse_and_outcome(bot, make_message, session_factory):
    bot.handle(make_message("今天调解纠纷3件", message_id="a1", mentions_bot=True))
    row = message_row(session_factory, "a1")
    assert row.text == "今天调解纠纷3件" and row.channel_room_id == "grp-1"
    assert row.status == "logged" and row.intent == "log_activity"
    assert row.confidence == pytest.approx(0.95) and row.handled_at is not None
    assert '"section": "disputes"' in row.parse_json and row.mentions_bot


def test_duplicate_is_handled_once_also_after_restart(
    bot, make_message, session_factory, settings, scripted
):
    msg = make_message("今天调解纠纷3件", message_id="dup")
    assert bot.handle(msg) != []
    assert bot.handle(msg) == []
    engine = make_engine(settings.effective_database_url)  # a "restarted" bot
    restarted = Dispatcher(settings, make_session_factory(engine), scripted)
    assert restarted.handle(msg) == []
    engine.dispose()
    assert count(session_factory, Message) == 1 and count(session_factory, Fact) == 1
    assert scripted.calls == ["今天调解纠纷3件"]


def test_stored_but_unhandled_message_is_handled_on_redelivery(bot, make_message, session_factory):
    msg = make_message("今天调解纠纷3件", message_id="crashed")
    bot._store_raw(msg)  # the process died right after storing
    assert message_row(session_factory, "crashed").status == "received"
    (reply,) = bot.handle(msg)
    assert reply.text.startswith("已记录")
    assert count(session_factory, Message) == 1 and count(session_factory, Fact) == 1


def test_unknown_room_gets_no_ledger_access(bot, make_message, session_factory, caplog):
    caplog.set_level("INFO", logger="bot.dispatcher")
    assert bot.handle(make_message("今天调解纠纷3件", room="stranger-room")) == []
    unbound = [r for r in caplog.records if r.getMessage() == "message from an unbound room"]
    assert [r.room for r in unbound] == ["stranger-room"]  # its id, for `rooms bind`
    (reply,) = bot.handle(make_message("今天调解纠纷3件", room="stranger-room", mentions_bot=True))
    assert "本群还没有绑定到乡镇" in reply.text and "群主" in reply.text
    assert count(session_factory, Fact) == 0
    assert count(session_factory, Message) == 2  # but nothing said is lost


def test_unknown_person_in_private_gets_no_ledger_access(
    bot, make_message, session_factory, scripted
):
    (reply,) = bot.handle(make_message("今天调解纠纷3件", sender="nobody", room=None))
    assert "您还没有登记" in reply.text and "工作群" in reply.text
    assert count(session_factory, Fact) == 0 and scripted.calls == []


def test_member_of_a_bound_group_registers_on_the_first_work_message(
    bot, make_message, session_factory
):
    from dataclasses import replace

    from bot.storage.registry import find_person

    chatter = replace(make_message("收到", sender="newbie"), sender_name="赵六")
    assert bot.handle(chatter) == []
    with session_factory() as session:
        assert find_person(session, "test", "newbie") is None  # chatter registers no one
    work = replace(make_message("今天调解纠纷3件", sender="newbie"), sender_name="赵六")
    (reply,) = bot.handle(work)
    assert reply.text.startswith("已记录：调解矛盾纠纷 3件")
    with session_factory() as session:
        person = find_person(session, "test", "newbie")
        assert (person.display_name, person.role, person.town.name) == ("赵六", "staff", "白岩镇")
    assert count(session_factory, Fact) == 1


def test_person_of_another_town_cannot_log_here(bot, make_message, session_factory):
    with session_factory() as session:
        other = get_or_create_town(session, "青山镇")
        bind_room(session, "test", "grp-other", other)
        session.commit()
    (reply,) = bot.handle(make_message("今天调解纠纷3件", room="grp-other", mentions_bot=True))
    assert "不一致" in reply.text and count(session_factory, Fact) == 0


def test_mentions_only_room_ignores_unaddressed_messages(bot, make_message, session_factory):
    with session_factory() as session:
        town = get_or_create_town(session, "白岩镇")
        bind_room(session, "test", "grp-1", town, mentions_only=True)
        session.commit()
    assert bot.handle(make_message("今天调解纠纷3件", message_id="quiet")) == []
    assert message_row(session_factory, "quiet").status == "ignored"
    assert bot.handle(make_message("今天调解纠纷3件", mentions_bot=True)) != []
    assert count(session_factory, Fact) == 1


def test_low_confidence_never_logs_and_asks(bot, make_message, session_factory):
    (reply,) = bot.handle(make_message("调解了几个吧", message_id="low"))
    assert "是记为“调解矛盾纠纷 3件（5月16日）”吗？回复“是”记录" in reply.text
    assert count(session_factory, Fact) == 0
    row = message_row(session_factory, "low")
    assert row.status == "asked" and row.confidence == pytest.approx(0.41)


def test_an_unsure_fact_is_asked_about_even_when_the_intent_is_clear(
    bot, make_message, session_factory
):
    (reply,) = bot.handle(make_message("开了个会说了说调解的事", message_id="unsure"))
    assert "是记为“调解矛盾纠纷 1件（5月16日）”吗" in reply.text
    assert count(session_factory, Fact) == 0
    assert message_row(session_factory, "unsure").status == "asked"


def test_yes_logs_exactly_what_was_asked(bot, make_message, session_factory):
    bot.handle(make_message("调解了几个吧", message_id="q", time="2024-05-16T10:30:00"))
    (reply,) = bot.handle(make_message("是", message_id="yes", time="2024-05-16T10:32:00"))
    assert reply.text.startswith("已记录：调解矛盾纠纷 3件")
    with session_factory() as session:
        (fact,) = session.scalars(select(Fact)).all()
        asked = session.get(Message, fact.message_id)
        assert asked.channel_message_id == "q" and asked.status == "logged"
        assert "[confirmed by sender]" in asked.note
    answer = message_row(session_factory, "yes")
    assert answer.status == "answered" and answer.note == f"answer to message {asked.id}"


def test_no_logs_nothing_and_keeps_the_message_for_review(bot, make_message, session_factory):
    bot.handle(make_message("调解了几个吧", message_id="q"))
    (reply,) = bot.handle(make_message("@法治台账 不是", message_id="no", mentions_bot=True))
    assert "这条不记" in reply.text and count(session_factory, Fact) == 0
    asked = message_row(session_factory, "q")
    assert asked.status == "not_understood" and "[declined by sender]" in asked.note


def test_a_withdrawal_while_asked_withdraws_the_question_not_an_earlier_record(
    bot, make_message, session_factory
):
    bot.handle(make_message("今天调解纠纷3件", message_id="earlier", time="2024-05-16T10:00:00"))
    bot.handle(make_message("调解了几个吧", message_id="q", time="2024-05-16T10:30:00"))
    (reply,) = bot.handle(make_message("撤回上一条", message_id="w", time="2024-05-16T10:31:00"))
    assert "这条不记" in reply.text
    assert message_row(session_factory, "q").status == "not_understood"
    with session_factory() as session:
        (fact,) = session.scalars(select(Fact)).all()
        assert fact.status == "active" and fact.value == 3


def test_only_the_asked_person_can_answer(bot, make_message, session_factory):
    bot.handle(make_message("调解了几个吧", message_id="q"))
    bot.handle(make_message("是", sender="li", mentions_bot=True))
    assert count(session_factory, Fact) == 0
    assert message_row(session_factory, "q").status == "asked"


def test_a_question_left_open_too_long_is_not_answered_by_a_late_yes(
    bot, make_message, session_factory, settings
):
    bot.handle(make_message("调解了几个吧", message_id="q", time="2024-05-16T10:30:00"))
    late = f"2024-05-16T{10 + 1 + settings.question_window_minutes // 60}:31:00"
    bot.handle(make_message("是", message_id="late", time=late))
    assert count(session_factory, Fact) == 0
    assert message_row(session_factory, "q").status == "asked"


def test_log_without_facts_says_what_is_missing(bot, make_message, session_factory):
    (reply,) = bot.handle(make_message("搞了一下那个", message_id="nofacts", mentions_bot=True))
    assert "例如“今天调解纠纷3件”" in reply.text
    assert message_row(session_factory, "nofacts").status == "not_understood"


def test_low_confidence_chatter_stays_quiet_unless_addressed(bot, make_message):
    assert bot.handle(make_message("嗯嗯")) == []
    (reply,) = bot.handle(make_message("嗯嗯", mentions_bot=True))
    assert "没看懂" in reply.text


def test_parser_exception_keeps_the_message(bot, make_message, session_factory):
    (reply,) = bot.handle(make_message("崩溃吧", message_id="boom"))
    assert "已保存" in reply.text
    row = message_row(session_factory, "boom")
    assert row.status == "not_understood" and "model exploded" in row.note
    assert row.text == "崩溃吧"


def test_private_message_counts_for_the_persons_town(bot, make_message, session_factory):
    (reply,) = bot.handle(make_message("今天调解纠纷3件", room=None))
    assert reply.mention is None and reply.text.startswith("已记录")
    with session_factory() as session:
        fact = session.execute(select(Fact)).scalar_one()
    assert fact.room_id is None and fact.fact_date == date(2024, 5, 16)


def test_huge_and_empty_texts_do_not_crash(bot, make_message, session_factory):
    bot.handle(make_message("啊" * 50000, message_id="huge"))
    bot.handle(make_message("", message_id="empty"))
    assert len(message_row(session_factory, "huge").text) == 20000
    assert message_row(session_factory, "empty").status == "ignored"


def test_real_nlu_end_to_end(dispatcher, registered, make_message, session_factory):
    """Through the trained model: a report is logged, corrected, and counted."""
    (logged_reply,) = dispatcher.handle(make_message("今天调解纠纷3件", time="2024-05-16T09:00"))
    assert logged_reply.text.startswith("已记录：") and "3件" in logged_reply.text
    (fixed,) = dispatcher.handle(make_message("刚才那条写错了，是4件", time="2024-05-16T09:05"))
    assert fixed.text.startswith("已更正") and "4件" in fixed.text
    assert dispatcher.handle(make_message("收到", time="2024-05-16T09:06")) == []
    question = make_message("今年调解多少件了", time="2024-05-16T09:07", mentions_bot=True)
    (answer,) = dispatcher.handle(question)
    assert "4件" in answer.text


def test_group_without_mention_logs_work_but_never_answers_chatter_or_questions(
    dispatcher, make_message, session_factory, registered
):
    (confirm,) = dispatcher.handle(make_message("今天调解纠纷3件"))
    assert confirm.text.startswith("已记录") and confirm.mention == "zhang"
    for text in ("好的，辛苦了", "帮助", "今年调解多少件了", "收到"):
        assert dispatcher.handle(make_message(text)) == [], text
    addressed = dispatcher.handle(make_message("今年调解多少件了", mentions_bot=True))
    assert len(addressed) == 1 and "3件" in addressed[0].text
    assert count(session_factory, Message) == 6  # every message kept, answered or not


def test_admin_binds_a_room_from_inside_it(dispatcher, make_message, session_factory, registered):
    from bot.storage.registry import add_person, find_room, get_or_create_town

    unbound = make_message("@法治台账 今天调解纠纷3件", room="grp-new", mentions_bot=True)
    (refusal,) = dispatcher.handle(unbound)
    assert "绑定" in refusal.text
    (denied,) = dispatcher.handle(make_message("绑定 双土镇", room="grp-new", mentions_bot=True))
    assert "管理员" in denied.text
    with session_factory() as session:
        assert find_room(session, "test", "grp-new") is None
        add_person(session, "test", "wang", get_or_create_town(session, "双土镇"), role="admin")
        session.commit()
    bind = make_message("绑定 双土镇", room="grp-new", sender="wang", mentions_bot=True)
    (done,) = dispatcher.handle(bind)
    assert "双土镇" in done.text
    with session_factory() as session:
        room = find_room(session, "test", "grp-new")
        assert room is not None and room.town.name == "双土镇"
    # a chat line that merely contains the word is not a command
    assert dispatcher.handle(make_message("明天谁去绑定那个账号")) == []
