"""Actions with ParseResults built by hand (a scripted parser), through the real dispatcher
and database: what is stored, what is answered, and who may see or change what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from actions.report import requested_year
from bot.dispatcher import Dispatcher
from bot.storage.models import Fact, FactStatus, Message
from bot.storage.registry import add_person, bind_room, get_or_create_town
from nlu.periods import find_period
from nlu.result import ParseResult, Query
from tests.ledger_helpers import ScriptedParser, correction, logged, query, simple

DISPUTE = ("disputes", "调解矛盾纠纷", 3, "件")
SCRIPT = {
    "今天调解纠纷3件": logged("今天调解纠纷3件", DISPUTE),
    "今天调解纠纷2件": logged("今天调解纠纷2件", ("disputes", "调解矛盾纠纷", 2, "件")),
    "昨天在白岩村开展普法宣传两场，发放资料500份": logged(
        "昨天在白岩村开展普法宣传两场，发放资料500份",
        ("publicity", "开展普法宣传", 2, "场", date(2024, 5, 15), "白岩村"),
        ("publicity", "发放宣传资料", 500, "份", date(2024, 5, 15), "白岩村"),
    ),
    "投入经费6.177万元": logged("投入经费6.177万元", ("functions", "投入经费", 6.177, "万元")),
    "又投入5000元": logged("又投入5000元", ("functions", "投入经费", 5000, "元")),
    "调解成功率98.5%": logged("调解成功率98.5%", ("disputes", "调解成功率", 98.5, "%")),
    "今天调解纠纷3起": logged("今天调解纠纷3起", ("disputes", "调解矛盾纠纷", 3, "起")),
    "发放资料500份，宣传册200份": logged(
        "发放资料500份，宣传册200份",
        ("publicity", "发放宣传资料", 500, "份"),
        ("publicity", "发放宣传册", 200, "份"),
    ),
    "更正为4件": correction("更正为4件", value=4, unit="件"),
    "更正为60000元": correction("更正为60000元", value=60000, unit="元"),
    "更正为600份": correction("更正为600份", value=600, unit="份"),
    "更正为6": correction("更正为6", value=6),
    "撤回": correction("撤回", retract=True),
    "撤回调解那条": correction("撤回调解那条", retract=True),
    "撤回上一条，今天说的不是调解，是安全生产": correction(
        "撤回上一条，今天说的不是调解，是安全生产", retract=True
    ),
    "@法治台账 撤回": correction("@法治台账 撤回", retract=True),
    "更正一下10号那条，调解是4件": correction("更正一下10号那条，调解是4件", value=4, unit="件"),
    "撤回10号报的那条": correction("撤回10号报的那条", retract=True),
    "更正一下12号那条，是4件": correction("更正一下12号那条，是4件", value=4, unit="件"),
    "少算了2件": correction("少算了2件", delta=2, unit="件"),
    "多报了1起": correction("多报了1起", delta=-1, unit="起"),
    "资料多报了600份": correction("资料多报了600份", delta=-600, unit="份"),
    "经费少算了0.5万元": correction("经费少算了0.5万元", delta=0.5, unit="万元"),
    "今年调解多少件了": query("今年调解多少件了", section="disputes", period="year"),
    "今年矛盾纠纷化解情况": query("今年矛盾纠纷化解情况", section="disputes", period="year"),
    "本月进度": query("本月进度", period="month"),
    "哪些板块还没有记录": query("哪些板块还没有记录", uncovered=True),
    # The parse reads the days at the message's time (nlu.periods) and the answer counts over
    # them, also when the words the answer reads say none ("调解多少件了" read as last month).
    "上个月调解多少件": lambda now: ParseResult(
        text="上个月调解多少件",
        intent="query_progress",
        confidence=0.95,
        query=Query("disputes", "month", dates=find_period("上个月", now.date())),
    ),
    "调解多少件了": lambda now: ParseResult(
        text="调解多少件了",
        intent="query_progress",
        confidence=0.95,
        query=Query("disputes", "month", dates=find_period("上个月", now.date())),
    ),
    "帮助": simple("帮助", "help"),
    "你好": simple("你好", "greet"),
    "谢谢": simple("谢谢", "greet"),
    "收到": simple("收到", "out_of_scope"),
    "生成今年的法治政府建设报告": simple("生成今年的法治政府建设报告", "request_report"),
}


@pytest.fixture
def make_message(make_message):
    """Messages addressed to the bot (@法治台账): actions answer what is asked of them."""

    def addressed(text, **kwargs):
        kwargs.setdefault("mentions_bot", True)
        return make_message(text, **kwargs)

    return addressed


@pytest.fixture
def bot(settings, session_factory, registered):
    return Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))


def facts_of(session_factory, status=FactStatus.ACTIVE):
    with session_factory() as session:
        rows = session.execute(
            select(Fact).where(Fact.status == status).order_by(Fact.id)
        ).scalars()
        return [(f.activity, f.value, f.unit, f.fact_date, f.place) for f in rows]


def test_log_confirms_in_one_line_with_undo_hint(bot, make_message, session_factory):
    (reply,) = bot.handle(make_message("今天调解纠纷3件"))
    assert reply.text == "已记录：调解矛盾纠纷 3件（5月16日）。如有误请回复“撤回”或“更正为4件”"
    assert reply.mention == "zhang"
    assert facts_of(session_factory) == [("调解矛盾纠纷", 3, "件", date(2024, 5, 16), None)]


def test_multi_fact_message_stores_each_fact(bot, make_message, session_factory):
    (reply,) = bot.handle(make_message("昨天在白岩村开展普法宣传两场，发放资料500份"))
    assert "开展普法宣传 2场" in reply.text and "发放宣传资料 500份" in reply.text
    assert "（5月15日，白岩村）" in reply.text
    assert facts_of(session_factory) == [
        ("开展普法宣传", 2, "场", date(2024, 5, 15), "白岩村"),
        ("发放宣传资料", 500, "份", date(2024, 5, 15), "白岩村"),
    ]


def test_money_is_normalised_for_summing(bot, make_message, session_factory):
    bot.handle(make_message("投入经费6.177万元"))
    with session_factory() as session:
        fact = session.execute(select(Fact)).scalar_one()
    assert (fact.value, fact.unit) == (Decimal("6.177"), "万元")
    assert (fact.value_normalised, fact.unit_normalised) == (Decimal(61770), "元")


def test_correct_value_supersedes_with_link(bot, make_message, session_factory):
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-16T10:00:00"))
    (reply,) = bot.handle(make_message("更正为4件", time="2024-05-16T10:05:00"))
    assert reply.text == "已更正：调解矛盾纠纷 3件 → 4件（5月16日）"
    assert facts_of(session_factory) == [("调解矛盾纠纷", 4, "件", date(2024, 5, 16), None)]
    with session_factory() as session:
        old = session.execute(select(Fact).where(Fact.status == "superseded")).scalar_one()
        new = session.execute(select(Fact).where(Fact.status == "active")).scalar_one()
        corrector = session.get(Message, old.corrected_by_message_id)
    assert corrector.text == "更正为4件" and corrector.status == "corrected"
    assert new.replaces_fact_id == old.id and new.message_id == old.message_id


def test_a_delta_changes_the_figure_by_that_much(bot, make_message, session_factory):
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-16T10:00:00"))
    (more,) = bot.handle(make_message("少算了2件", time="2024-05-16T10:05:00"))
    assert more.text == "已更正：调解矛盾纠纷 3件 → 5件（5月16日）"
    (less,) = bot.handle(make_message("多报了1起", time="2024-05-16T10:06:00"))
    assert less.text == "已更正：调解矛盾纠纷 5件 → 4件（5月16日）"
    assert facts_of(session_factory) == [("调解矛盾纠纷", 4, "件", date(2024, 5, 16), None)]


def test_a_delta_on_another_money_scale_keeps_the_unit_and_the_amount(
    bot, make_message, session_factory
):
    bot.handle(make_message("又投入5000元", time="2024-05-16T10:00:00"))
    (reply,) = bot.handle(make_message("经费少算了0.5万元", time="2024-05-16T10:05:00"))
    assert reply.text.startswith("已更正：投入经费 5000元 → 10000元")


def test_a_delta_below_zero_changes_nothing(bot, make_message, session_factory):
    bot.handle(
        make_message("昨天在白岩村开展普法宣传两场，发放资料500份", time="2024-05-16T10:00:00")
    )
    (reply,) = bot.handle(make_message("资料多报了600份", time="2024-05-16T10:05:00"))
    assert "正确的数字" in reply.text
    assert ("发放宣传资料", 500, "份", date(2024, 5, 15), "白岩村") in facts_of(session_factory)


def test_retract_then_retract_again_reaches_the_earlier_log(bot, make_message, session_factory):
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-16T09:00:00"))
    bot.handle(make_message("今天调解纠纷2件", time="2024-05-16T09:30:00"))
    (first,) = bot.handle(make_message("撤回", time="2024-05-16T10:00:00"))
    assert first.text.startswith("已撤回：调解矛盾纠纷 2件")
    assert facts_of(session_factory) == [("调解矛盾纠纷", 3, "件", date(2024, 5, 16), None)]
    bot.handle(make_message("撤回", time="2024-05-16T10:01:00"))
    assert facts_of(session_factory) == []
    assert len(facts_of(session_factory, FactStatus.RETRACTED)) == 2
    (nothing,) = bot.handle(make_message("撤回", time="2024-05-16T10:02:00"))
    assert "没有找到" in nothing.text


def test_a_withdrawal_that_names_its_work_reaches_that_record_or_none(
    bot, make_message, session_factory
):
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-16T09:00:00"))
    bot.handle(make_message("昨天在白岩村开展普法宣传两场，发放资料500份", time="2024-05-16T09:30"))
    (named,) = bot.handle(make_message("撤回调解那条", time="2024-05-16T10:00:00"))
    assert named.text.startswith("已撤回：调解矛盾纠纷 3件")
    assert sorted(a for a, *_ in facts_of(session_factory)) == ["发放宣传资料", "开展普法宣传"]
    (none,) = bot.handle(make_message("撤回调解那条", time="2024-05-16T10:01:00"))
    assert "没有找到您最近记的“调解”记录" in none.text and "开展普法宣传" in none.text
    assert len(facts_of(session_factory)) == 2  # nothing else was withdrawn
    (plain,) = bot.handle(make_message("@法治台账 撤回", time="2024-05-16T10:02:00"))
    assert plain.text.startswith("已撤回：开展普法宣传")  # the bot's name names no work


def test_a_withdrawal_of_the_last_record_takes_it_whatever_work_it_names(
    bot, make_message, session_factory
):
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-16T09:00:00"))
    bot.handle(make_message("昨天在白岩村开展普法宣传两场，发放资料500份", time="2024-05-16T09:30"))
    text = "撤回上一条，今天说的不是调解，是安全生产"
    (reply,) = bot.handle(make_message(text, time="2024-05-16T10:00:00"))
    assert reply.text.startswith("已撤回：开展普法宣传")
    assert facts_of(session_factory) == [("调解矛盾纠纷", 3, "件", date(2024, 5, 16), None)]


def test_correction_only_touches_own_recent_logs(bot, make_message, session_factory):
    bot.handle(make_message("今天调解纠纷3件", sender="li", time="2024-05-16T09:00:00"))
    (reply,) = bot.handle(make_message("更正为4件", sender="zhang", time="2024-05-16T09:01:00"))
    assert "没有找到" in reply.text
    bot.handle(make_message("今天调解纠纷2件", time="2024-05-10T09:00:00"))  # outside 24 h
    (late,) = bot.handle(make_message("撤回", time="2024-05-16T09:02:00"))
    assert "没有找到" in late.text and "24小时" in late.text
    assert sorted(v for _, v, *_ in facts_of(session_factory)) == [2, 3]


def test_a_correction_naming_its_day_reaches_that_record_however_old(
    bot, make_message, session_factory
):
    """A clerk finds the page of the day named; the records of other days stay as they are."""
    bot.handle(make_message("今天调解纠纷2件", time="2024-05-10T09:00:00"))  # outside 24 h
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-16T09:00:00"))
    (changed,) = bot.handle(make_message("更正一下10号那条，调解是4件", time="2024-05-16T10:00"))
    assert changed.text == "已更正：调解矛盾纠纷 2件 → 4件（5月10日）"
    assert sorted(v for _, v, *_ in facts_of(session_factory)) == [3, 4]
    (withdrawn,) = bot.handle(make_message("撤回10号报的那条", time="2024-05-16T10:01:00"))
    assert withdrawn.text.startswith("已撤回：调解矛盾纠纷 4件")
    assert [v for _, v, *_ in facts_of(session_factory)] == [3]


def test_a_correction_naming_a_day_without_records_changes_nothing(
    bot, make_message, session_factory
):
    bot.handle(make_message("今天调解纠纷2件", time="2024-05-10T09:00:00"))
    (reply,) = bot.handle(make_message("更正一下12号那条，是4件", time="2024-05-16T10:00"))
    assert reply.text.startswith("没有找到您5月12日在这里记的内容")
    assert [v for _, v, *_ in facts_of(session_factory)] == [2]


def test_correction_of_multi_fact_log_asks_or_uses_unit(bot, make_message, session_factory):
    bot.handle(make_message("昨天在白岩村开展普法宣传两场，发放资料500份", time="2024-05-16T09:00"))
    (question,) = bot.handle(make_message("更正为6", time="2024-05-16T09:01:00"))
    assert "上一条有2项" in question.text and "改哪一项" in question.text
    (done,) = bot.handle(make_message("更正为600份", time="2024-05-16T09:02:00"))
    assert done.text.startswith("已更正：发放宣传资料 500份 → 600份")
    assert [v for _, v, *_ in facts_of(session_factory)] == [2, 600]


def test_correction_naming_a_unit_reaches_the_record_in_that_unit(
    bot, make_message, session_factory
):
    """ "更正为4件" after a later record in 场/份 means the 件 record before it."""
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-16T09:00:00"))
    bot.handle(make_message("昨天在白岩村开展普法宣传两场，发放资料500份", time="2024-05-16T09:10"))
    (done,) = bot.handle(make_message("更正为4件", time="2024-05-16T09:11:00"))
    assert done.text == "已更正：调解矛盾纠纷 3件 → 4件（5月16日）"
    assert sorted((a, v) for a, v, *_ in facts_of(session_factory)) == [
        ("发放宣传资料", 500),
        ("开展普法宣传", 2),
        ("调解矛盾纠纷", 4),
    ]


def test_correction_to_the_same_amount_changes_nothing(bot, make_message, session_factory):
    bot.handle(make_message("投入经费6.177万元", time="2024-05-16T09:00:00"))
    bot.handle(make_message("更正为60000元", time="2024-05-16T09:01:00"))
    (reply,) = bot.handle(make_message("更正为60000元", time="2024-05-16T09:02:00"))
    assert reply.text == "投入经费已经是60000元（5月16日），没有改动。"
    assert len(facts_of(session_factory, FactStatus.SUPERSEDED)) == 1


def test_correction_in_a_unit_no_record_has_changes_nothing(bot, make_message, session_factory):
    """Never turn 98.5% into 4%: a figure is only changed in its own measure."""
    bot.handle(make_message("调解成功率98.5%", time="2024-05-16T09:00:00"))
    (reply,) = bot.handle(make_message("更正为4件", time="2024-05-16T09:01:00"))
    assert "没有找到单位是“件”的记录" in reply.text and "调解成功率 98.5%" in reply.text
    assert "更正为4%" in reply.text  # how to change the figure that is there
    assert facts_of(session_factory) == [("调解成功率", 98.5, "%", date(2024, 5, 16), None)]
    assert facts_of(session_factory, FactStatus.SUPERSEDED) == []


def test_correction_in_another_money_unit_keeps_the_amount_right(
    bot, make_message, session_factory
):
    """6.177万元 corrected to "60000元" is 6万元, not 60000万元."""
    bot.handle(make_message("投入经费6.177万元", time="2024-05-16T09:00:00"))
    (reply,) = bot.handle(make_message("更正为60000元", time="2024-05-16T09:01:00"))
    assert reply.text.startswith("已更正：投入经费 6.177万元 → 60000元")
    with session_factory() as session:
        fact = session.execute(select(Fact).where(Fact.status == "active")).scalar_one()
    assert (fact.value, fact.unit, fact.value_normalised) == (60000, "元", 60000)


def test_correction_accepts_a_synonym_and_keeps_the_word_written_first(
    bot, make_message, session_factory
):
    bot.handle(make_message("今天调解纠纷3起", time="2024-05-16T09:00:00"))
    (reply,) = bot.handle(make_message("更正为4件", time="2024-05-16T09:01:00"))
    assert reply.text.startswith("已更正：调解矛盾纠纷 3起 → 4起")
    assert facts_of(session_factory) == [("调解矛盾纠纷", 4, "起", date(2024, 5, 16), None)]


def test_two_figures_in_the_named_unit_ask_for_a_fresh_record(bot, make_message, session_factory):
    bot.handle(make_message("发放资料500份，宣传册200份", time="2024-05-16T09:00:00"))
    (reply,) = bot.handle(make_message("更正为600份", time="2024-05-16T09:01:00"))
    assert "2项都是“份”" in reply.text and "撤回" in reply.text
    assert sorted(v for _, v, *_ in facts_of(session_factory)) == [200, 500]
    # once a later record exists, "撤回" would withdraw that one: it is not offered
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-16T09:02:00"))
    (later,) = bot.handle(make_message("更正为600份", time="2024-05-16T09:03:00"))
    assert "2项都是“份”" in later.text and "没有改动" in later.text
    assert "撤回" not in later.text
    assert sorted(v for _, v, *_ in facts_of(session_factory)) == [3, 200, 500]


def test_query_totals_table_for_own_town_only(
    bot, make_message, session_factory, registered, settings
):
    with session_factory() as session:
        other = get_or_create_town(session, "青山镇")
        bind_room(session, "test", "grp-2", other)
        add_person(session, "test", "wang", other, display_name="王五")
        session.commit()
    bot.handle(make_message("今天调解纠纷3件", time="2024-02-01T09:00:00"))
    bot.handle(make_message("今天调解纠纷2件", time="2024-05-16T09:00:00"))
    bot.handle(make_message("今天调解纠纷3件", sender="wang", room="grp-2"))
    bot.handle(make_message("调解成功率98.5%", time="2024-05-16T09:10:00"))
    (reply,) = bot.handle(make_message("今年矛盾纠纷化解情况", sender="li"))
    lines = reply.text.splitlines()
    assert lines[0] == "白岩镇今年（1月1日—5月16日）台账："
    assert lines[1] == "· 矛盾纠纷预防化解（3条）：调解矛盾纠纷5件；调解成功率98.5%（5月16日）"
    (one,) = bot.handle(make_message("今年调解多少件了", sender="li"))
    assert one.text == "白岩镇今年调解矛盾纠纷5件（1月1日—5月16日，2条记录）"
    (theirs,) = bot.handle(make_message("今年调解多少件了", sender="wang", room="grp-2"))
    assert "青山镇" in theirs.text and "3件" in theirs.text and "5件" not in theirs.text


def test_query_month_money_and_uncovered(bot, make_message):
    bot.handle(make_message("投入经费6.177万元", time="2024-05-02T09:00:00"))
    bot.handle(make_message("又投入5000元", time="2024-05-03T09:00:00"))
    bot.handle(make_message("今天调解纠纷3件", time="2024-04-30T09:00:00"))
    (month,) = bot.handle(make_message("本月进度"))
    assert "投入经费6.677万元" in month.text and "调解" not in month.text
    (uncovered,) = bot.handle(make_message("哪些板块还没有记录"))
    assert "（10个）" in uncovered.text
    assert "行政规范性文件" in uncovered.text and "矛盾纠纷预防化解" not in uncovered.text


def test_query_counts_over_the_days_of_the_parse(bot, make_message):
    bot.handle(make_message("今天调解纠纷3件", time="2024-04-10T09:00:00"))
    bot.handle(make_message("今天调解纠纷2件", time="2024-05-16T09:00:00"))
    expected = "白岩镇上个月调解矛盾纠纷3件（4月1日—4月30日，1条记录）"
    (named,) = bot.handle(make_message("上个月调解多少件"))
    assert named.text == expected
    (unnamed,) = bot.handle(make_message("调解多少件了"))
    assert unnamed.text == expected


def test_query_with_nothing_recorded(bot, make_message):
    (reply,) = bot.handle(make_message("今年调解多少件了"))
    assert reply.text == "白岩镇今年（1月1日—5月16日）还没有调解矛盾纠纷的记录。"


def test_help_greet_and_chatter(bot, make_message, session_factory):
    (help_reply,) = bot.handle(make_message("帮助"))
    assert "今天调解纠纷3件" in help_reply.text and "撤回" in help_reply.text
    (hello,) = bot.handle(make_message("你好"))
    (thanks,) = bot.handle(make_message("谢谢"))
    assert hello.text != thanks.text and "不客气" in thanks.text
    assert bot.handle(make_message("收到")) == []
    with session_factory() as session:
        chatter = session.execute(select(Message).where(Message.text == "收到")).scalar_one()
    assert chatter.status == "ignored" and chatter.intent == "out_of_scope"
    assert facts_of(session_factory) == []


def test_report_request_sends_the_draft_as_a_file(bot, make_message):
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-16T09:00:00"))
    (now,) = bot.handle(make_message("生成今年的法治政府建设报告", sender="li"))
    assert "正在生成" in now.text and now.file is None  # at once, before the render
    (reply,) = now.follow_up.result(timeout=120)  # from the background thread
    assert "报告初稿已生成" in reply.text and reply.mention == "li"
    assert reply.file is not None and reply.file.suffix == ".docx"
    assert reply.file.is_file() and reply.file.stat().st_size > 0


def test_report_for_a_year_without_records_says_so_instead_of_an_empty_draft(bot, make_message):
    (reply,) = bot.handle(make_message("生成今年的法治政府建设报告", sender="li"))
    assert reply.text.startswith("白岩镇台账里还没有2024年的记录，没有生成报告初稿")
    assert reply.file is None


def test_requested_year():
    assert requested_year("生成2023年的报告", date(2024, 5, 1)) == 2023
    assert requested_year("把去年的年度报告发一下", date(2024, 5, 1)) == 2023
    assert requested_year("出个报告初稿", date(2024, 2, 1)) == 2023
    assert requested_year("出个报告初稿", date(2024, 11, 1)) == 2024
    assert requested_year("生成今年的报告", date(2024, 2, 1)) == 2024


def test_a_summary_of_many_sections_stays_within_ten_lines_with_the_rest_attached(
    settings, session_factory, registered, make_message
):
    from nlu.sections import section_ids

    every = {f"{s}工作1件": logged(f"{s}工作1件", (s, f"{s}工作", 1, "件")) for s in section_ids()}
    every["今年进度"] = query("今年进度", period="year")
    bot = Dispatcher(settings, session_factory, ScriptedParser(every))
    for text in every:
        if text != "今年进度":
            bot.handle(make_message(text, time="2024-05-16T09:00:00"))
    (reply,) = bot.handle(make_message("今年进度"))
    lines = reply.text.splitlines()
    assert len(lines) == 10
    assert lines[0] == "白岩镇今年（1月1日—5月16日）台账："
    assert lines[-2] == "……另有5个板块有记录，完整明细见附件。"
    assert lines[-1] == "共12条记录。"
    assert reply.file is not None and reply.file.suffix == ".xlsx"
    from openpyxl import load_workbook

    sheet = load_workbook(reply.file).active
    assert sheet.max_row == 13  # a header and every one of the 12 records


def test_an_unsure_parse_of_a_plain_ledger_question_is_answered_but_small_talk_is_not(
    bot, make_message
):
    # the scripted parser calls both chatter (out_of_scope): the question is still answered
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-16T09:00:00"))
    (answer,) = bot.handle(make_message("今年法治工作进展怎么样"))
    assert answer.text.splitlines()[0] == "白岩镇今年（1月1日—5月16日）台账："
    assert "调解矛盾纠纷3件" in answer.text
    assert bot.handle(make_message("今天天气怎么样")) == []  # chatter, as the parser said


def test_a_person_is_found_by_the_name_inside_a_decorated_wechat_name(
    settings, session_factory, registered, make_message
):
    with session_factory() as session:
        town = get_or_create_town(session, "白岩镇")
        add_person(session, "test", "min", town, display_name="张敏🌸-司法所")
        session.commit()
    script = dict(SCRIPT)
    script["张敏这个月报了几条"] = query("张敏这个月报了几条", period="month")
    bot = Dispatcher(settings, session_factory, ScriptedParser(script))
    bot.handle(make_message("今天调解纠纷3件", sender="min", time="2024-05-16T09:00:00"))
    bot.handle(make_message("今天调解纠纷2件", time="2024-05-16T09:00:00"))
    (reply,) = bot.handle(make_message("张敏这个月报了几条"))
    assert reply.text == "张敏🌸-司法所本月（5月1日—5月16日）报了1条记录：调解矛盾纠纷3件"


def test_a_name_nobody_is_registered_under_gets_no_town_figures(
    settings, session_factory, registered, make_message
):
    script = dict(SCRIPT)
    for text in ("王五这个月报了几条", "@法治台账 王五这个月报了几条", "今天报了几条"):
        script[text] = query(text, period="month")
    bot = Dispatcher(settings, session_factory, ScriptedParser(script))
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-16T09:00:00"))
    for text in ("王五这个月报了几条", "@法治台账 王五这个月报了几条"):
        (reply,) = bot.handle(make_message(text, mentions_bot=True))
        assert reply.text.startswith("白岩镇没有登记叫“王五”的人")
        assert "调解矛盾纠纷" not in reply.text
    (today,) = bot.handle(make_message("今天报了几条", mentions_bot=True))  # no name: the town
    assert "没有登记" not in today.text
