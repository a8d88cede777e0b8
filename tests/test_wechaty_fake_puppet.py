"""The WeChat channel with the real Wechaty classes on a recording FakePuppet, end to end:
the real Dispatcher, the real parser, a real ledger (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import threading
from datetime import date

import pytest
from wechaty_puppet import MessageType

from actions import replies
from bot.dispatcher import Dispatcher
from bot.message import Picture, Reply
from bot.run import load_run_texts
from bot.spool import Spool
from bot.storage import make_engine, make_session_factory
from tests.wechaty_support.fake_puppet import RecordingFakePuppet
from tests.wechaty_support.harness import (
    CountingHandler,
    facts_of,
    register_town,
    running_channel,
    stored_message,
    wait_until,
)

ROOM = "20001@chatroom"
UNBOUND = "20009@chatroom"
ZHANG, LI, STRANGER = "wxid_zhang", "wxid_li", "wxid_stranger"


@pytest.fixture
def puppet() -> RecordingFakePuppet:
    fake = RecordingFakePuppet()
    fake.add_contact(ZHANG, "张三")
    fake.add_contact(LI, "李四")
    fake.add_contact(STRANGER, "路人")
    fake.add_room(ROOM, "双土镇法治工作群", [ZHANG, LI])
    fake.add_room(UNBOUND, "周末钓鱼群", [ZHANG, STRANGER])
    return fake


@pytest.fixture
def handler(settings, session_factory, parser) -> CountingHandler:
    register_town(
        session_factory,
        rooms={ROOM: "双土镇法治工作群"},
        people={ZHANG: "张三", LI: "李四"},
        roles={LI: "supervisor"},  # the one who asks for the report draft
    )
    return CountingHandler(Dispatcher(settings, session_factory, parser).handle)


def run(coro) -> None:
    asyncio.run(asyncio.wait_for(coro, 60))


def test_room_message_becomes_a_fact_and_a_reply_mentioning_the_sender(
    puppet, handler, settings, session_factory
):
    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            puppet.deliver(ROOM, ZHANG, "今天调解纠纷3件", mention_bot=True, message_id="m1")
            assert await channel.idle(15)

    run(scenario())
    assert facts_of(session_factory, "m1") == [("disputes", 3.0, "件")]
    row = stored_message(session_factory, "m1")
    assert row.text == "今天调解纠纷3件" and row.mentions_bot and row.channel_room_id == ROOM
    assert row.sender_name == "张三"
    [sent] = puppet.sent
    assert sent.conversation_id == ROOM and sent.mention_ids == (ZHANG,)
    assert sent.text.startswith("@张三 ") and "3件" in sent.text


def test_own_mention_is_stripped_with_a_space_or_u2005_separator(
    puppet, handler, settings, session_factory
):
    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            # typed by hand: ordinary space, and no mention ids from the puppet
            puppet.deliver(ROOM, LI, "@法治台账 昨天在白岩村开展普法宣传两场", message_id="s1")
            puppet.deliver(ROOM, ZHANG, "本月进度", mention_bot=True, message_id="s2")
            assert await channel.idle(15)

    run(scenario())
    first, second = handler.seen
    assert (first.text, first.mentions_bot, first.sender) == (
        "昨天在白岩村开展普法宣传两场",
        True,
        LI,
    )
    assert (second.text, second.mentions_bot) == ("本月进度", True)
    assert facts_of(session_factory, "s1") == [("publicity", 2.0, "场")]
    said = [s for s in puppet.sent if s.text is not None]
    assert [s.conversation_id for s in said] == [ROOM, ROOM]
    assert [s.mention_ids for s in said] == [(LI,), (ZHANG,)]
    # "本月进度" asks for the town's progress: its picture follows the answer
    assert [f.media_type for f in puppet.files_to(ROOM)] == ["image/png"]


def test_duplicate_delivery_is_handled_once_also_after_a_restart(
    puppet, handler, settings, session_factory
):
    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            puppet.deliver(ROOM, ZHANG, "今天调解纠纷3件", mention_bot=True, message_id="d1")
            puppet.redeliver("d1")
            assert await channel.idle(15)
        # a new process: the channel's memory is gone, only the ledger remembers
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            puppet.redeliver("d1")
            assert await channel.idle(15)

    run(scenario())
    assert facts_of(session_factory, "d1") == [("disputes", 3.0, "件")]
    assert len(puppet.sent) == 1
    assert [m.message_id for m in handler.seen] == ["d1", "d1"]  # 2nd: the ledger said duplicate


def test_unbound_room_is_not_served(puppet, handler, settings, session_factory):
    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            puppet.deliver(UNBOUND, ZHANG, "今天调解纠纷3件", message_id="u1")
            puppet.deliver(UNBOUND, ZHANG, "今天调解纠纷5件", mention_bot=True, message_id="u2")
            assert await channel.idle(15)

    run(scenario())
    assert facts_of(session_factory) == []
    # not addressed: silence; addressed: one polite sentence, nothing recorded
    assert [(s.conversation_id, s.mention_ids) for s in puppet.sent] == [(UNBOUND, (ZHANG,))]
    assert puppet.sent[0].text.endswith(replies.text("unregistered.room"))


def test_report_request_pushes_the_docx_into_the_room(puppet, handler, settings, session_factory):
    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            puppet.deliver(ROOM, ZHANG, "今天调解纠纷3件", mention_bot=True, message_id="f1")
            puppet.deliver(
                ROOM, LI, "生成今年的法治政府建设报告", mention_bot=True, message_id="f2"
            )
            assert await channel.idle(30)

    run(scenario())
    files = puppet.files_to(ROOM)
    assert len(files) == 1 and files[0].file_name.endswith(".docx") and files[0].file_size > 1000
    texts = puppet.texts_to(ROOM)
    year = date.today().year
    assert texts[1:] == [
        "@李四 " + replies.text("report.rendering", year=year),  # at once
        "@李四 " + replies.text("report.ready", year=year),  # when the file is ready
    ]
    assert puppet.sent.index(files[0]) == 3  # the file follows the text that announces it


def test_a_report_renders_while_other_groups_are_answered(
    puppet, handler, settings, session_factory, monkeypatch
):
    """The year report is compiled off the message path: a message from another group,
    sent while the report renders, is answered before the report is done."""
    import bot.reports

    other = "20002@chatroom"
    puppet.add_room(other, "双土镇综治群", [ZHANG, LI])
    register_town(session_factory, rooms={other: "双土镇综治群"})
    rendering, release = threading.Event(), threading.Event()
    real_build = bot.reports.build_report

    def slow_build(**kwargs):
        rendering.set()
        assert release.wait(30), "the test never released the render"
        return real_build(**kwargs)

    monkeypatch.setattr(bot.reports, "build_report", slow_build)

    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            # a year with records (a year without any gets "no records", not a draft)
            puppet.deliver(ROOM, ZHANG, "今天调解纠纷2件", mention_bot=True, message_id="f1")
            assert await wait_until(lambda: len(puppet.texts_to(ROOM)) == 1, 15)
            puppet.deliver(
                ROOM, LI, "生成今年的法治政府建设报告", mention_bot=True, message_id="r1"
            )
            assert await wait_until(lambda: len(puppet.texts_to(ROOM)) == 2, 15)
            assert await asyncio.to_thread(rendering.wait, 15)
            puppet.deliver(other, ZHANG, "今天调解纠纷3件", mention_bot=True, message_id="o1")
            assert await wait_until(lambda: len(puppet.texts_to(other)) == 1, 15)
            assert puppet.files_to(ROOM) == [] and not release.is_set()  # still rendering
            release.set()
            assert await channel.idle(30)

    run(scenario())
    assert facts_of(session_factory, "o1") == [("disputes", 3.0, "件")]
    assert puppet.texts_to(ROOM)[1].endswith(
        replies.text("report.rendering", year=date.today().year)
    )
    assert len(puppet.files_to(ROOM)) == 1


def test_chatter_gets_no_reply(puppet, handler, settings, session_factory):
    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            for i, text in enumerate(["收到", "好的，辛苦了", "明天几点开会？", "👍"]):
                puppet.deliver(ROOM, LI, text, message_id=f"c{i}")
            assert await channel.idle(15)

    run(scenario())
    assert len(handler.seen) == 4
    assert puppet.sent == []
    assert facts_of(session_factory) == []


def test_own_and_non_text_messages_are_ignored(puppet, handler, settings, session_factory):
    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            puppet.deliver(
                ROOM, puppet.login_user_id, "@张三 已记录：调解矛盾纠纷 3件", message_id="o1"
            )
            puppet.deliver(
                ROOM, ZHANG, "<img/>", message_id="o2", message_type=MessageType.MESSAGE_TYPE_IMAGE
            )
            assert await channel.idle(15)

    run(scenario())
    assert handler.seen == [] and puppet.sent == []


def test_private_message_from_a_registered_person_is_answered_privately(
    puppet, handler, settings, session_factory
):
    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            puppet.deliver(None, ZHANG, "今天调解纠纷2件", message_id="p1")
            puppet.deliver(None, STRANGER, "今天调解纠纷2件", message_id="p2")
            assert await channel.idle(15)

    run(scenario())
    assert handler.seen[0].room is None and handler.seen[0].mentions_bot
    assert facts_of(session_factory, "p1") == [("disputes", 2.0, "件")]
    assert facts_of(session_factory, "p2") == []
    assert [(s.conversation_id, s.mention_ids) for s in puppet.sent] == [
        (ZHANG, ()),
        (STRANGER, ()),
    ]
    assert puppet.sent[1].text == replies.text("unregistered.person")


def test_messages_during_a_database_outage_are_spooled_and_handled_in_order(
    puppet, settings, session_factory, parser, tmp_path
):
    register_town(session_factory, rooms={ROOM: "双土镇法治工作群"}, people={ZHANG: "张三"})
    # The same dispatcher first reaches a database server that is down, then the real one.
    broken = make_engine("postgresql://postgres@127.0.0.1:1/test")  # nothing listens on port 1
    dispatcher = Dispatcher(settings, make_session_factory(broken), parser)
    spool = Spool(tmp_path / "spool.jsonl")

    async def scenario():
        async with running_channel(
            dispatcher.handle, settings=settings, puppet=puppet, spool=spool
        ) as channel:
            puppet.deliver(ROOM, ZHANG, "今天调解纠纷3件", mention_bot=True, message_id="x1")
            puppet.deliver(ROOM, ZHANG, "更正为4件", message_id="x2")
            assert await channel.idle(15)
            assert [m.message_id for m in spool.pending()] == ["x1", "x2"]
            assert facts_of(session_factory) == []
            dispatcher.session_factory = session_factory  # the database is back
            for _ in range(300):  # bounded: 15 s on a loaded 2-core machine
                if not spool.path.exists():
                    break
                await asyncio.sleep(0.05)
            assert await channel.idle(15)

    run(scenario())
    assert not spool.path.exists()
    # in order: the fact first, then its correction
    assert facts_of(session_factory) == [("disputes", 4.0, "件")]
    texts = puppet.texts_to(ROOM)
    assert texts[0].endswith(load_run_texts()["spooled"])  # x1 addressed the bot: told at once
    assert len(texts) == 3 and "3件" in texts[1] and "4件" in texts[2]


def test_stop_finishes_in_flight_messages_before_returning(
    puppet, handler, settings, session_factory
):
    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet):
            for i in range(8):
                puppet.deliver(
                    ROOM, ZHANG, f"今天调解纠纷{i + 1}件", mention_bot=True, message_id=f"t{i}"
                )
            # leaving the block stops the channel at once, with the queue still full

    run(scenario())
    assert [m.message_id for m in handler.seen] == [f"t{i}" for i in range(8)]
    assert len(puppet.texts_to(ROOM)) == 8
    assert sorted(v for _, v, _ in facts_of(session_factory)) == [float(i + 1) for i in range(8)]


def test_pushed_reminder_notifies_people_named_in_its_text(puppet, handler, settings):
    text = "本季度还没有记录的板块：\n· 数字法治政府 @张三"

    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            channel.send(ROOM, Reply(text, notify=(ZHANG,)))
            assert await channel.idle(15)

    run(scenario())
    (sent,) = [s for s in puppet.sent if s.conversation_id == ROOM]
    assert sent.text == text  # the names stay where the text put them, no prefix added
    assert sent.mention_ids == (ZHANG,)


def test_progress_question_sends_the_picture_as_an_image(
    puppet, handler, settings, session_factory
):
    """ "@法治台账 看看进度": the figures as text at once, then the PNG as an image FileBox."""

    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            puppet.deliver(ROOM, ZHANG, "今天调解纠纷3件", mention_bot=True, message_id="p1")
            puppet.deliver(ROOM, LI, "看看进度", mention_bot=True, message_id="p2")
            assert await channel.idle(30)

    run(scenario())
    [image] = puppet.files_to(ROOM)
    assert image.media_type == "image/png" and image.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert image.file_name == f"双土镇{date.today().year}年台账进度.png"
    answer = puppet.texts_to(ROOM)[1]
    assert answer.startswith("@李四 ") and "调解" in answer
    assert puppet.sent.index(image) == 2  # after the text it illustrates


def test_pushed_digest_sends_its_picture_after_the_text(puppet, handler, settings):
    picture = Picture("双土镇2024年台账进度.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)

    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            channel.send(ROOM, Reply("双土镇8月法治工作月报", picture=picture))
            assert await channel.idle(15)

    run(scenario())
    text, image = [s for s in puppet.sent if s.conversation_id == ROOM]
    assert text.text == "双土镇8月法治工作月报"
    assert (image.file_name, image.media_type, image.data) == (
        picture.name,
        "image/png",
        picture.data,
    )
