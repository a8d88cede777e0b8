"""Questions in the group get the answer asked, through the real Wechaty classes, the real
parser and dispatcher and a real ledger: any period people say, one figure, a section, a
person, a place; one line for one figure, at most ten lines otherwise."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.dispatcher import Dispatcher
from tests.wechaty_support.fake_puppet import RecordingFakePuppet
from tests.wechaty_support.harness import populate, register_town, running_channel

ROOM = "40001@chatroom"
ZHANG, LI = "wxid_zhangmin", "wxid_liqiang"
ZONE = ZoneInfo("Asia/Shanghai")
ASKED_AT = "2024-11-20T10:00:00"

# (sender, time, text): the ledger the questions are asked about.
RECORDS = [
    (ZHANG, "2024-02-20T09:00:00", "今天调解纠纷1件"),
    (LI, "2024-08-10T09:00:00", "今天组织干部学法1次 参加42人"),
    (ZHANG, "2024-10-12T09:00:00", "今天调解纠纷3件"),
    (ZHANG, "2024-11-03T09:00:00", "今天调解纠纷2件"),
    (ZHANG, "2024-11-03T09:30:00", "调解成功率98.5%"),
    (LI, "2024-11-10T09:00:00", "昨天在白岩村开展普法宣传两场，发放资料500份"),
    (LI, "2024-11-19T09:00:00", "今天在石桥村开展普法宣传1场"),
]


def at(moment: str) -> float:
    return datetime.fromisoformat(moment).replace(tzinfo=ZONE).timestamp()


def ask(
    puppet, handler, settings, question: str, sender: str = ZHANG, records=RECORDS, files=None
) -> str:
    """Record `records`, then ask `question` on ASKED_AT; the answer's text without the @
    (the names of files sent with it are appended to `files`)."""

    async def scenario():
        async with running_channel(handler, settings=settings, puppet=puppet) as channel:
            for who, moment, text in records:
                puppet.deliver(ROOM, who, text, timestamp=at(moment))
            assert await channel.idle(20)
            puppet.sent.clear()
            puppet.deliver(ROOM, sender, question, mention_bot=True, timestamp=at(ASKED_AT))
            assert await channel.idle(15)

    asyncio.run(asyncio.wait_for(scenario(), 90))
    (sent,) = [s for s in puppet.sent if s.text]
    if files is not None:
        files.extend(s.file_name for s in puppet.sent if s.file_name)
    return sent.text.split(" ", 1)[1]


@pytest.fixture
def puppet() -> RecordingFakePuppet:
    rooms = {ROOM: ("青石镇法治工作群", [ZHANG, LI], "")}
    return populate(RecordingFakePuppet(), {ZHANG: "张敏", LI: "李强"}, rooms)


@pytest.fixture
def handler(settings, session_factory, parser):
    register_town(
        session_factory,
        town="青石镇",
        rooms={ROOM: "青石镇法治工作群"},
        people={ZHANG: "张敏", LI: "李强"},
    )
    return Dispatcher(settings, session_factory, parser).handle


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("10月份调解了几件", "青石镇10月调解矛盾纠纷3件（10月1日—10月31日，1条记录）"),
        ("今年调解多少件了", "青石镇今年调解矛盾纠纷6件（1月1日—11月20日，3条记录）"),
        ("调解成功率多少", "青石镇今年调解成功率98.5%（11月3日）"),
        ("一季度调解多少件", "青石镇第一季度调解矛盾纠纷1件（1月1日—3月31日，1条记录）"),
        ("11月1日到15日调解了几件", "青石镇调解矛盾纠纷2件（11月1日—11月15日，1条记录）"),
        (
            "白岩村今年搞了几场普法",
            "青石镇白岩村今年开展普法宣传活动2场（1月1日—11月20日，1条记录）",
        ),
        ("去年调解多少件", "青石镇去年（2023年1月1日—2023年12月31日）还没有调解矛盾纠纷的记录。"),
        ("今天进度", "青石镇今天（11月20日）还没有任何板块的记录。"),
    ],
)
def test_one_figure_asked_gets_one_line(puppet, handler, settings, question, answer):
    assert ask(puppet, handler, settings, question) == answer


@pytest.mark.parametrize(
    ("question", "lines"),
    [
        (
            "上个月进度",  # last month, not the year
            [
                "青石镇上个月（10月1日—10月31日）台账：",
                "· 矛盾纠纷预防化解（1条）：调解矛盾纠纷3件",
            ],
        ),
        (
            "第三季度进度",  # July to September, not the quarter we are in
            [
                "青石镇第三季度（7月1日—9月30日）台账：",
                "· 学习贯彻习近平法治思想（2条）：参学人数42人；组织领导干部学法1次",
            ],
        ),
        (
            "上周进度",  # Monday to Sunday before this week: 11月9日 and 11月19日 are outside
            ["青石镇上周（11月11日—11月17日）还没有任何板块的记录。"],
        ),
        (
            "上半年进度",
            ["青石镇上半年（1月1日—6月30日）台账：", "· 矛盾纠纷预防化解（1条）：调解矛盾纠纷1件"],
        ),
    ],
)
def test_a_period_gets_its_own_records(puppet, handler, settings, question, lines):
    assert ask(puppet, handler, settings, question).splitlines() == lines


def test_a_person_asked_by_name_gets_their_count(puppet, handler, settings):
    reply = ask(puppet, handler, settings, "李强这个月报了几条", sender=ZHANG)
    assert reply.startswith("李强本月（11月1日—11月20日）报了3条记录：")
    assert "开展普法宣传活动3场" in reply and "调解" not in reply


def test_my_own_records_this_month_as_a_short_list(puppet, handler, settings):
    reply = ask(puppet, handler, settings, "我这个月报了哪些", sender=LI)
    assert reply.splitlines() == [
        "您本月（11月1日—11月20日）报了3条记录：",
        "· 11月9日 开展普法宣传活动 2场（白岩村）",
        "· 11月9日 发放宣传资料 500份（白岩村）",
        "· 11月19日 开展普法宣传活动 1场（石桥村）",
    ]


def test_how_is_the_work_going_this_year_gets_the_summary(puppet, handler, settings):
    reply = ask(puppet, handler, settings, "今年法治工作进展怎么样")
    lines = reply.splitlines()
    assert lines[0] == "青石镇今年（1月1日—11月20日）台账："
    assert lines[-1] == "共9条记录。" and len(lines) <= 10
    assert "帮助" not in reply


def test_a_long_list_stops_at_ten_lines_and_the_rest_comes_as_a_file(puppet, handler, settings):
    records = [(LI, f"2024-11-{day:02d}T09:00:00", "今天调解纠纷1件") for day in range(1, 13)]
    files: list[str] = []
    reply = ask(puppet, handler, settings, "我这个月报了哪些", LI, records, files)
    lines = reply.splitlines()
    assert len(lines) == 10
    assert lines[0] == "您本月（11月1日—11月20日）报了12条记录："
    assert lines[1] == "· 11月1日 调解矛盾纠纷 1件"
    assert lines[-1] == "……另有4条，完整明细见附件。"
    assert len(files) == 1 and files[0].endswith(".xlsx") and "青石镇台账明细" in files[0]
