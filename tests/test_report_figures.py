"""Report figures through the real ledger (SQLite and PostgreSQL): 元+万元 combined, rates not
summed, corrections and withdrawals honoured, nothing rounded up, chat and report agreeing."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.dispatcher import Dispatcher
from bot.reports import build_report
from bot.reports.sample import populate_year
from bot.storage.units import display, normalise
from nlu.result import Fact as ParsedFact
from nlu.result import ParseResult
from tests.ledger_helpers import ScriptedParser, correction, logged, query, simple

D = date(2024, 5, 16)
SCRIPT = {
    "收缴罚款6.177万元": logged("收缴罚款6.177万元", ("enforcement", "收缴罚款", 6.177, "万元", D)),
    "又收缴罚款5000元": logged("又收缴罚款5000元", ("enforcement", "收缴罚款", 5000, "元", D)),
    "调解成功率98%": logged("调解成功率98%", ("disputes", "调解成功率", 98, "%", date(2024, 3, 1))),
    "调解成功率99.5%": logged(
        "调解成功率99.5%", ("disputes", "调解成功率", 99.5, "%", date(2024, 9, 1))
    ),
    "今天调解纠纷3件": logged("今天调解纠纷3件", ("disputes", "调解矛盾纠纷", 3, "件", D)),
    "今天调解纠纷2件": logged("今天调解纠纷2件", ("disputes", "调解矛盾纠纷", 2, "件", D)),
    "更正为4件": correction("更正为4件", value=4, unit="件"),
    "撤回": correction("撤回", retract=True),
    "今天在白岩村发放资料300余份": logged(
        "今天在白岩村发放资料300余份",
        ("publicity", "发放宣传资料", 300, "份", D, "白岩村"),
    ),
    "今年矛盾纠纷化解情况": query("今年矛盾纠纷化解情况", section="disputes", period="year"),
    "覆盖9个社区": lambda now: ParseResult(
        text="覆盖9个社区",
        intent="log_activity",
        confidence=0.95,
        facts=[ParsedFact("publicity", "普法覆盖社区", 9, "个", date(2024, 3, 1), role="stock")],
    ),
    "现在覆盖12个社区了": lambda now: ParseResult(
        text="现在覆盖12个社区了",
        intent="log_activity",
        confidence=0.95,
        facts=[ParsedFact("publicity", "普法覆盖社区", 12, "个", date(2024, 8, 1), role="stock")],
    ),
    "今年没有出台规范性文件": logged(
        "今年没有出台规范性文件", ("rules", "制定行政规范性文件", 0, "件", date(2024, 12, 1))
    ),
    "调解纠纷5件": logged("调解纠纷5件", ("disputes", "调解矛盾纠纷", 5, "件")),
    "今年已调解纠纷10件": lambda now: ParseResult(
        text="今年已调解纠纷10件",
        intent="log_activity",
        confidence=0.95,
        facts=[ParsedFact("disputes", "调解矛盾纠纷", 10, "件", now.date(), role="running_total")],
    ),
    "本月已调解纠纷5件，今天又调解5件": lambda now: ParseResult(
        text="本月已调解纠纷5件，今天又调解5件",
        intent="log_activity",
        confidence=0.95,
        facts=[
            ParsedFact("disputes", "调解矛盾纠纷", 5, "件", now.date(), role="running_total"),
            ParsedFact("disputes", "调解矛盾纠纷", 5, "件", now.date()),
        ],
    ),
    "全年调处53件，调解成功率98.8%": lambda now: ParseResult(
        text="全年调处53件，调解成功率98.8%",
        intent="log_activity",
        confidence=0.95,
        facts=[
            ParsedFact("disputes", "调解矛盾纠纷", 53, "件", now.date(), role="running_total"),
            ParsedFact("disputes", "调解成功率", 98.8, "%", now.date(), role="running_total"),
        ],
    ),
    "今年调解多少件了": query("今年调解多少件了", section="disputes", period="year"),
    "今年执法情况": query("今年执法情况", section="enforcement", period="year"),
    "生成今年的法治政府建设报告": simple("生成今年的法治政府建设报告", "request_report"),
}


@pytest.fixture
def bot(settings, session_factory, registered):
    return Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))


def say(bot, make_message, text, time):
    """A group message addressed to the bot (@法治台账), as a member asking it would send."""
    return bot.handle(make_message(text, time=time, mentions_bot=True))


def report_json(session_factory, tmp_path, town="白岩镇", year=2024) -> dict:
    path = build_report(
        session_factory, town, year, "json", tmp_path / "r.json", as_of=date(2025, 1, 10)
    )
    return json.loads(path.read_text(encoding="utf-8"))


def section(data: dict, section_id: str) -> dict:
    return next(s for s in data["sections"] if s["id"] == section_id)


def figure_json(label: str, value, unit: str, records: int, kind: str) -> dict:
    return {"label": label, "value": value, "unit": unit, "records": records, "kind": kind}


def fact(data: dict, section_id: str, label: str) -> dict:
    return next(f for f in section(data, section_id)["facts"] if f["label"] == label)


def test_yuan_and_wanyuan_are_combined(bot, make_message, session_factory, tmp_path):
    say(bot, make_message, "收缴罚款6.177万元", "2024-05-16T09:00:00")
    say(bot, make_message, "又收缴罚款5000元", "2024-05-16T10:00:00")
    data = report_json(session_factory, tmp_path)
    assert fact(data, "enforcement", "收缴罚款") == figure_json(
        "收缴罚款", 6.677, "万元", 2, "amount"
    )
    assert "收缴罚款6.677万元" in section(data, "enforcement")["text"]


def test_rates_are_the_latest_value_not_a_sum(bot, make_message, session_factory, tmp_path):
    say(bot, make_message, "调解成功率99.5%", "2024-09-01T09:00:00")
    say(bot, make_message, "调解成功率98%", "2024-09-02T09:00:00")  # about March: older
    data = report_json(session_factory, tmp_path)
    assert fact(data, "disputes", "调解成功率") == figure_json("调解成功率", 99.5, "%", 2, "rate")
    assert "调解成功率达99.5%" in section(data, "disputes")["text"]
    assert "197.5" not in json.dumps(data)


def test_superseded_and_retracted_facts_never_count(bot, make_message, session_factory, tmp_path):
    say(bot, make_message, "今天调解纠纷3件", "2024-05-16T09:00:00")
    say(bot, make_message, "更正为4件", "2024-05-16T09:05:00")  # 3 -> 4
    say(bot, make_message, "今天调解纠纷2件", "2024-05-16T10:00:00")
    say(bot, make_message, "撤回", "2024-05-16T10:01:00")  # the 2 is withdrawn
    data = report_json(session_factory, tmp_path)
    assert fact(data, "disputes", "调解矛盾纠纷") == figure_json(
        "调解矛盾纠纷", 4, "件", 1, "count"
    )
    text = section(data, "disputes")["text"]
    assert "调解矛盾纠纷4件" in text and "调解矛盾纠纷9件" not in text


def test_nothing_rounded_up_and_no_invented_yu(bot, make_message, session_factory, tmp_path):
    say(bot, make_message, "今天在白岩村发放资料300余份", "2024-05-16T09:00:00")
    data = report_json(session_factory, tmp_path)
    assert fact(data, "publicity", "发放宣传资料")["value"] == 300
    text = section(data, "publicity")["text"]
    assert "发放宣传资料300份" in text
    # the draft states the ledger's figure; "余" is a chat word, never composed into it
    assert "余" not in text


def test_chat_summary_and_report_show_the_same_figures(
    bot, make_message, session_factory, tmp_path
):
    say(bot, make_message, "今天调解纠纷3件", "2024-05-16T09:00:00")
    say(bot, make_message, "调解成功率98%", "2024-05-16T09:10:00")
    say(bot, make_message, "收缴罚款6.177万元", "2024-05-17T09:00:00")
    say(bot, make_message, "又收缴罚款5000元", "2024-05-17T10:00:00")
    (disputes_reply,) = say(bot, make_message, "今年矛盾纠纷化解情况", "2024-06-01T09:00:00")
    (enforcement_reply,) = say(bot, make_message, "今年执法情况", "2024-06-01T09:01:00")
    data = report_json(session_factory, tmp_path)
    for section_id, reply in (("disputes", disputes_reply), ("enforcement", enforcement_reply)):
        for item in section(data, section_id)["facts"]:
            shown = display_of(item)
            assert shown in reply.text, (shown, reply.text)
            assert shown in section(data, section_id)["text"]


def display_of(item: dict) -> str:
    from decimal import Decimal

    value = Decimal(str(item["value"]))
    if item["unit"] == "万元":
        return display(value * 10000, "元")
    return display(value, item["unit"])


def test_request_report_in_chat_sends_a_docx(bot, make_message, session_factory):
    say(bot, make_message, "今天调解纠纷3件", "2024-05-16T09:00:00")
    staff = say(bot, make_message, "生成今年的法治政府建设报告", "2024-05-16T10:00:00")
    assert staff[0].file is None  # the draft is for supervisors and admins
    asked = make_message(
        "生成今年的法治政府建设报告", time="2024-05-16T11:00:00", sender="li", mentions_bot=True
    )
    (announced,) = bot.handle(asked)
    assert announced.file is None  # "正在生成…" at once; the file follows from the worker
    files = [r.file for r in announced.follow_up.result(timeout=120) if r.file]
    assert len(files) == 1 and files[0].suffix == ".docx" and files[0].stat().st_size > 5000
    assert "2024" in files[0].name


def test_a_generated_year_adds_up(session_factory, tmp_path):
    """Every figure of the JSON equals the sum written into the generated messages."""
    with session_factory() as session:
        written = populate_year(session, "青杠镇", 2024, n_facts=400, seed=11)
        session.commit()
    assert written.corrected and written.retracted  # the year has both kinds of change
    data = report_json(session_factory, tmp_path, town="青杠镇")
    seen = 0
    for item in data["sections"]:
        for figure in item["facts"]:
            # stated in the written measure word (24起), summed with its base (件)
            unit = normalise(1, figure["unit"])[1]
            key = (item["id"], figure["label"], unit)
            expected = written.sums[key]
            if figure["unit"] == "万元":
                expected = expected / 10000
            assert figure["value"] == pytest.approx(float(expected), abs=1e-9), key
            assert figure["records"] == written.records[key], key
            seen += 1
    assert seen == len(written.sums)


def test_unknown_town_is_a_polite_error(session_factory, tmp_path):
    from bot.reports import ReportError

    with pytest.raises(ReportError, match="没有找到"):
        build_report(session_factory, "不存在镇", 2024, "json", tmp_path / "x.json")


def test_stocks_are_the_latest_value_and_a_stated_zero_is_stated(
    bot, make_message, session_factory, tmp_path
):
    say(bot, make_message, "覆盖9个社区", "2024-03-01T09:00:00")
    say(bot, make_message, "现在覆盖12个社区了", "2024-08-01T09:00:00")
    say(bot, make_message, "今年没有出台规范性文件", "2024-12-01T09:00:00")
    data = report_json(session_factory, tmp_path)
    assert fact(data, "publicity", "普法覆盖社区") == figure_json(
        "普法覆盖社区", 12, "个", 2, "stock"
    )
    assert "普法覆盖社区12个" in section(data, "publicity")["text"]
    assert "21个" not in section(data, "publicity")["text"]
    from openpyxl import load_workbook

    from bot.reports.evidence import evidence_path

    path = build_report(session_factory, "白岩镇", 2024, "json", tmp_path / "e.json", evidence=True)
    rows = list(load_workbook(evidence_path(path)).worksheets[1].iter_rows(values_only=True))
    notes = [(row[6], row[10]) for row in rows if row[1] == "普法覆盖社区"]
    assert notes == [
        (9, "存量（如覆盖社区数、法律顾问人数）取期间最新值，不累加"),
        (12, "报告采用此值"),
    ]
    zero = fact(data, "rules", "制定行政规范性文件")
    assert (zero["value"], zero["unit"], zero["kind"]) == (0, "件", "count")
    assert "全年未出台行政规范性文件。" in section(data, "rules")["text"]


def test_last_year_is_compared_only_when_the_ledger_holds_it(
    bot, make_message, session_factory, tmp_path
):
    """A ledger started in late December holds no year to compare with; one with records
    through the year does, and the fall of 调解矛盾纠纷 is then named."""
    say(bot, make_message, "调解纠纷5件", "2023-12-20T09:00:00")
    say(bot, make_message, "调解纠纷5件", "2024-03-20T09:00:00")
    text = section(report_json(session_factory, tmp_path), "disputes")["text"]
    assert "相比" not in text and "降至" not in text
    for month in range(1, 12):
        say(bot, make_message, "调解纠纷5件", f"2023-{month:02d}-10T09:00:00")
    text = section(report_json(session_factory, tmp_path), "disputes")["text"]
    assert "调解矛盾纠纷由60件降至5件" in text


def test_running_totals_are_never_added_and_a_mismatch_goes_to_the_author(
    bot, make_message, session_factory, tmp_path
):
    """调解5件 on 19 March; on the 20th "本月已调解纠纷5件，今天又调解5件" (5 before today: it
    agrees, and only the new 5 is work); in June "今年已调解纠纷10件" agrees with 10 too. A later
    "今年已调解纠纷10件" after another 5件 disagrees (the ledger has 15): shown to the author,
    never added, never replacing the ledger's figure."""
    say(bot, make_message, "调解纠纷5件", "2024-03-19T09:00:00")
    say(bot, make_message, "本月已调解纠纷5件，今天又调解5件", "2024-03-20T09:00:00")
    say(bot, make_message, "今年已调解纠纷10件", "2024-06-01T09:00:00")
    data = report_json(session_factory, tmp_path)
    assert fact(data, "disputes", "调解矛盾纠纷")["value"] == 10 and data["checks"] == []
    say(bot, make_message, "调解纠纷5件", "2024-07-10T09:00:00")
    say(bot, make_message, "今年已调解纠纷10件", "2024-08-01T09:00:00")
    data = report_json(session_factory, tmp_path)
    assert fact(data, "disputes", "调解矛盾纠纷")["value"] == 15
    (check,) = data["checks"]
    assert (check["date"], check["label"], check["quoted"], check["ledger"]) == (
        "2024-08-01",
        "调解矛盾纠纷",
        10,
        15,
    )
    draft = build_report(session_factory, "白岩镇", 2024, "md", tmp_path / "r.md")
    text = draft.read_text(encoding="utf-8")
    assert "【请核实" in text and "调解矛盾纠纷累计10件，台账2024年1月1日至8月1日为15件" in text
    assert text.index("白岩镇人民政府") < text.index("累计10件")  # after the signature


def test_a_running_total_is_checked_in_chat_and_a_mismatch_told_to_its_author(
    bot, make_message, session_factory
):
    """The sender who quotes a running total hears at once when the ledger does not give it
    (one line, quoted and ledger figures side by side), addressed or not; an agreeing total
    is confirmed only when the bot was asked, and never stored as work either way."""
    from sqlalchemy import func, select

    from bot.storage.models import Fact, Message

    say(bot, make_message, "调解纠纷5件", "2024-03-19T09:00:00")
    agreed = bot.handle(
        make_message("今年已调解纠纷10件", time="2024-03-20T09:00:00", mentions_bot=True)
    )
    assert [r.text for r in agreed] == [
        "请核对：您报调解矛盾纠纷累计10件，台账2024年1月1日至3月20日为5件。累计数不另记账，漏报的请补报，重报的请撤回。"
    ]
    say(bot, make_message, "调解纠纷5件", "2024-03-21T09:00:00")
    addressed = say(bot, make_message, "今年已调解纠纷10件", "2024-03-22T09:00:00")
    assert [r.text for r in addressed] == ["已核对：调解矛盾纠纷累计10件，与台账一致，不重复记录。"]
    quiet = bot.handle(make_message("今年已调解纠纷10件", time="2024-03-23T09:00:00"))
    assert quiet == []
    both = bot.handle(make_message("本月已调解纠纷5件，今天又调解5件", time="2024-03-24T09:00:00"))
    assert len(both) == 2 and both[0].text.startswith("已记录：调解矛盾纠纷 5件")
    assert "累计5件，台账2024年1月1日至3月24日为15件" in both[1].text
    with session_factory() as session:
        stored = session.execute(select(func.sum(Fact.value))).scalar_one()
        statuses = session.execute(select(Message.status).order_by(Message.id)).scalars().all()
    assert stored == 15
    assert "not_understood" not in statuses


def test_a_rate_said_as_it_stands_so_far_is_the_rate_stated(
    bot, make_message, session_factory, tmp_path
):
    """ "全年调处53件，调解成功率98.8%": the 53 is a running total (never added); the rate read
    with it is the rate as it stands, stated in the report (latest value, never summed)."""
    say(bot, make_message, "调解纠纷5件", "2024-03-19T09:00:00")
    say(bot, make_message, "调解成功率98%", "2024-06-01T09:00:00")
    replies_ = say(bot, make_message, "全年调处53件，调解成功率98.8%", "2024-12-28T09:00:00")
    assert replies_[0].text.startswith("已记录：调解成功率 98.8%")
    assert "累计53件，台账2024年1月1日至12月28日为5件" in replies_[1].text
    data = report_json(session_factory, tmp_path)
    assert fact(data, "disputes", "调解矛盾纠纷")["value"] == 5
    rate = fact(data, "disputes", "调解成功率")
    assert (rate["value"], rate["kind"]) == (98.8, "rate")
