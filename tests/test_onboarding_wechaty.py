"""A new township sets itself up inside WeChat, through the real Wechaty classes on a
recording FakePuppet, the real dispatcher and parser, and a real ledger: the group owner
binds the group and becomes admin, members register on their first work message, and the
admin role is handed on with an @-mention."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.dispatcher import Dispatcher
from bot.scheduler import texts
from bot.scheduler.deliveries import deliver
from bot.storage.registry import find_person, find_room, list_towns
from tests.wechaty_support.fake_puppet import RecordingFakePuppet
from tests.wechaty_support.harness import CHANNEL, facts_of, populate, running_channel

ROOM, SECOND, OTHER = "30001@chatroom", "30002@chatroom", "30003@chatroom"
OWNER, ZHANG, LI, STRANGER = "wxid_owner", "wxid_zhangmin", "wxid_liqiang", "wxid_stranger"


# The owner binds the group: where every scenario after the first starts.
OWNER_BINDS = (ROOM, OWNER, "绑定 青石镇", True, ())


@pytest.fixture
def converse(settings, session_factory, parser):
    """Deliver steps (room, sender, text, addressed, @-mentioned ids) one at a time to the
    real channel; returns the texts the bot sent."""
    contacts = {OWNER: "王主任", ZHANG: "张敏", LI: "李强", STRANGER: "路人"}
    rooms = {
        ROOM: ("青石镇法治工作群", [OWNER, ZHANG, LI], OWNER),
        SECOND: ("青石镇调解员群", [OWNER, ZHANG], OWNER),
        OTHER: ("别人的群", [STRANGER, ZHANG], STRANGER),
    }
    puppet = populate(RecordingFakePuppet(), contacts, rooms)
    handler = Dispatcher(settings, session_factory, parser).handle

    def run(*steps, then=None) -> list[str]:
        """`then(channel)`, if given, runs after the steps while the channel still runs."""

        async def scenario():
            async with running_channel(handler, settings=settings, puppet=puppet) as channel:
                for room, sender, text, addressed, mentioned in steps:
                    puppet.deliver(room, sender, text, mention_bot=addressed, mention=mentioned)
                    assert await channel.idle(15)
                if then is not None:
                    then(channel)
                    assert await channel.idle(15)

        asyncio.run(asyncio.wait_for(scenario(), 90))
        return [sent.text for sent in puppet.sent if sent.text]

    return run


def test_only_the_owner_binds_a_new_group_and_becomes_its_admin(converse, session_factory):
    said = converse(
        (ROOM, ZHANG, "今天调解纠纷3件", True, ()),
        (ROOM, ZHANG, "绑定 青石镇", True, ()),
        OWNER_BINDS,
        (ROOM, OWNER, "今天调解纠纷2件", False, ()),
    )
    assert "本群还没有绑定到乡镇" in said[0] and "群主" in said[0]
    assert "只有群主或本镇管理员可以绑定" in said[1]
    assert "本群已绑定到青石镇" in said[2] and "您是青石镇的管理员" in said[2]
    assert said[3].startswith("@王主任 已记录：调解矛盾纠纷 2件")  # no "乡镇不一致"
    with session_factory() as session:
        assert [t.name for t in list_towns(session)] == ["青石镇"]
        owner = find_person(session, CHANNEL, OWNER)
        assert (owner.display_name, owner.role) == ("王主任", "admin")
        assert find_room(session, CHANNEL, ROOM).topic == "青石镇法治工作群"


def test_members_register_themselves_on_their_first_work_message(converse, session_factory):
    said = converse(
        OWNER_BINDS,
        (ROOM, LI, "收到", False, ()),
        (ROOM, ZHANG, "今天调解纠纷3件", False, ()),
    )
    assert len(said) == 2 and said[1].startswith("@张敏 已记录：调解矛盾纠纷 3件")
    assert facts_of(session_factory) == [("disputes", 3.0, "件")]
    with session_factory() as session:
        zhang = find_person(session, CHANNEL, ZHANG)
        assert (zhang.display_name, zhang.role, zhang.town.name) == ("张敏", "staff", "青石镇")
        assert find_person(session, CHANNEL, LI) is None  # "收到" registers no one


def test_admin_hands_the_role_on_with_a_mention(converse, session_factory):
    said = converse(
        OWNER_BINDS,
        (ROOM, LI, "设为管理员", True, (ZHANG,)),
        (ROOM, OWNER, "设为管理员", True, ()),
        (ROOM, OWNER, "设为管理员", True, (ZHANG,)),
        (SECOND, ZHANG, "绑定 青石镇", True, ()),
    )
    assert "只有管理员可以设置管理员" in said[1] and "王主任" in said[1]
    assert "请在“设为管理员”后面 @ 要设置的人" in said[2]
    assert "张敏现在是青石镇的管理员" in said[3]
    assert "本群已绑定到青石镇" in said[4]  # the new admin binds a second group
    with session_factory() as session:
        assert find_person(session, CHANNEL, ZHANG).role == "admin"
        assert find_person(session, CHANNEL, OWNER).role == "admin"  # handing on adds
        assert find_person(session, CHANNEL, LI).role == "staff"
        assert find_room(session, CHANNEL, SECOND).town.name == "青石镇"


def test_an_owner_cannot_bind_to_a_town_that_has_an_admin(converse, session_factory):
    said = converse(
        OWNER_BINDS,
        (OTHER, STRANGER, "绑定 青石镇", True, ()),
    )
    assert "青石镇已有管理员（王主任）" in said[1]
    with session_factory() as session:
        assert find_room(session, CHANNEL, OTHER) is None
        assert find_person(session, CHANNEL, STRANGER) is None


def test_the_reminder_goes_to_the_group_bound_in_the_chat_without_any_setting(
    converse, settings, session_factory
):
    def remind(channel):
        with session_factory() as session:
            town_id = list_towns(session)[0].id
        moment = datetime(2024, 5, 20, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
        delivery = deliver(session_factory, settings, channel.send, "reminder", town_id, moment)
        assert delivery.sends and delivery.room == ROOM

    said = converse(OWNER_BINDS, then=remind)
    assert said[-1].startswith(
        texts.say("reminder.header", period="本季度", start="4月1日", end="6月30日")
    )
