"""Export of active facts (csv/xlsx/json, and the `taizhang facts` command), the console
channel's first-run registration, and the admin commands."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from rich.console import Console
from typer.testing import CliRunner

from actions import replies
from actions.replies import section_titles
from actions.report import requested_year
from bot.channels.console import ConsoleChannel
from bot.cli import app
from bot.dispatcher import Dispatcher
from bot.onboarding import console_session
from bot.settings import get_settings
from bot.storage.export import fact_rows, write
from bot.storage.registry import (
    add_person,
    bind_room,
    get_or_create_town,
    list_people,
    list_towns,
)
from tests.ledger_helpers import ScriptedParser, correction, logged, simple

SCRIPT = {
    "今天调解纠纷3件": logged("今天调解纠纷3件", ("disputes", "调解矛盾纠纷", 3, "件")),
    "在白岩村发放资料500份": logged(
        "在白岩村发放资料500份", ("publicity", "发放宣传资料", 500, "份", "白岩村")
    ),
    "投入经费6.177万元": logged("投入经费6.177万元", ("functions", "投入经费", 6.177, "万元")),
    "更正为4件": correction("更正为4件", value=4, unit="件"),
    "撤回": correction("撤回", retract=True),
}


@pytest.fixture
def ledger(settings, session_factory, registered, make_message):
    """2024: 3件 corrected to 4件, 500份, 6.177万元, one withdrawn log; 2023: one log;
    another town: one log."""
    bot = Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))
    with session_factory() as session:
        other = get_or_create_town(session, "青山镇")
        bind_room(session, "test", "grp-9", other)
        add_person(session, "test", "wang", other, display_name="王五")
        session.commit()
    send = bot.handle
    send(make_message("今天调解纠纷3件", time="2024-05-16T09:00"))
    send(make_message("更正为4件", time="2024-05-16T09:02"))
    send(make_message("在白岩村发放资料500份", time="2024-05-17T09:00"))
    send(make_message("投入经费6.177万元", time="2024-06-01T09:00"))
    send(make_message("今天调解纠纷3件", time="2024-06-02T09:00"))
    send(make_message("撤回", time="2024-06-02T09:01"))
    send(make_message("今天调解纠纷3件", time="2023-12-30T09:00"))
    send(make_message("今天调解纠纷3件", time="2024-07-01T09:00", sender="wang", room="grp-9"))
    return registered


def test_fact_rows_are_active_facts_of_the_year_and_town(session_factory, ledger):
    with session_factory() as session:
        rows = fact_rows(session, 2024, town_id=ledger.town_id, section_titles=section_titles())
    assert [(r.date, r.activity, str(r.value), r.unit) for r in rows] == [
        (date(2024, 5, 16), "调解矛盾纠纷", "4.000000", "件"),
        (date(2024, 5, 17), "发放宣传资料", "500.000000", "份"),
        (date(2024, 6, 1), "投入经费", "6.177000", "万元"),
    ]
    first = rows[0]
    assert first.message_text == "今天调解纠纷3件" and first.correction_text == "更正为4件"
    assert first.sender == "张三" and first.town == "白岩镇" and first.room == "白岩镇法治工作群"
    assert first.section_title == "矛盾纠纷预防化解"
    assert rows[1].place == "白岩村" and rows[1].correction_text is None
    with session_factory() as session:
        everyone = fact_rows(session, 2024)
    assert len(everyone) == 4 and {r.town for r in everyone} == {"白岩镇", "青山镇"}


def test_csv_json_xlsx(session_factory, ledger, tmp_path):
    with session_factory() as session:
        rows = fact_rows(session, 2024, town_id=ledger.town_id)
    table = list(csv.DictReader(io.StringIO(write(rows, "csv", None))))
    assert [(r["value"], r["unit"]) for r in table] == [
        ("4", "件"),
        ("500", "份"),
        ("6.177", "万元"),
    ]
    assert table[0]["message_text"] == "今天调解纠纷3件"
    data = json.loads(write(rows, "json", None))
    assert data[2]["value"] == 6.177 and data[0]["value"] == 4 and data[0]["date"] == "2024-05-16"
    target = tmp_path / "facts.xlsx"
    write(rows, "xlsx", target)
    sheet = load_workbook(target).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "fact_id" and [v[6] for v in values[1:]] == [4, 500, 6.177]
    with pytest.raises(ValueError):
        write(rows, "xlsx", None)


@pytest.fixture
def cli_env(settings, monkeypatch):
    monkeypatch.setenv("TAIZHANG_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("TAIZHANG_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_facts_command(cli_env, ledger, tmp_path):
    result = cli_env.invoke(
        app, ["facts", "--year", "2024", "--town", "白岩镇", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert [row["value"] for row in json.loads(result.stdout)] == [4, 500, 6.177]
    target = tmp_path / "out.csv"
    result = cli_env.invoke(app, ["facts", "--year", "2024", "-o", str(target)])
    assert result.exit_code == 0 and len(target.read_text(encoding="utf-8-sig").splitlines()) == 5
    missing = cli_env.invoke(app, ["facts", "--year", "2024", "--town", "无此镇"])
    assert missing.exit_code == 1


@pytest.mark.parametrize(
    "url", ["postgresql://postgres@127.0.0.1:1/test", "notaurl"], ids=["refused", "malformed"]
)
def test_unreachable_database_is_one_polite_line(cli_env, monkeypatch, url):
    monkeypatch.setenv("TAIZHANG_DATABASE_URL", url)
    get_settings.cache_clear()
    result = cli_env.invoke(app, ["facts", "--year", "2024"])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "TAIZHANG_DATABASE_URL" in said and "数据库服务" in said
    assert "Traceback" not in said and "sqlalche.me" not in said


def test_admin_commands_register_and_review(cli_env, settings, session_factory, make_message):
    run = cli_env.invoke
    assert run(app, ["towns", "add", "白岩镇"]).exit_code == 0
    bound = run(app, ["rooms", "bind", "r1", "--town", "白岩镇", "--channel", "test"])
    assert bound.exit_code == 0 and "白岩镇" in bound.output
    assert (
        run(app, ["people", "add", "zhang", "--town", "白岩镇", "--channel", "test"]).exit_code == 0
    )
    assert run(app, ["people", "role", "zhang", "boss", "--channel", "test"]).exit_code == 1
    assert run(app, ["people", "role", "zhang", "supervisor", "--channel", "test"]).exit_code == 0
    assert "负责人" in run(app, ["people"]).output
    low = {
        "调解了几个": logged("调解了几个", ("disputes", "调解矛盾纠纷", 2, "件"), confidence=0.3),
        "啥意思": logged("啥意思", ("disputes", "调解矛盾纠纷", 1, "件"), confidence=0.2),
    }
    bot = Dispatcher(settings, session_factory, ScriptedParser(low))
    bot.handle(make_message("调解了几个", room="r1"))
    bot.handle(make_message("啥意思", room="r1"))
    listing = run(app, ["review"])
    assert "调解了几个" in listing.output and "啥意思" in listing.output
    assert run(app, ["review", "assign", "1", "log_activity"]).exit_code == 0
    assert run(app, ["review", "dismiss", "2"]).exit_code == 0
    assert run(app, ["review", "dismiss", "2"]).exit_code == 1  # no longer queued
    assert "复核队列是空的" in run(app, ["review"]).output
    facts = json.loads(run(app, ["facts", "--year", "2024", "--format", "json"]).stdout)
    assert [(f["activity"], f["value"]) for f in facts] == [("调解矛盾纠纷", 2)]


def test_console_is_a_new_group_its_user_binds_and_others_join(settings, session_factory):
    script = {"今天调解纠纷3件": SCRIPT["今天调解纠纷3件"]}
    screen = io.StringIO()
    chat = console_session(
        settings, session_factory, ScriptedParser(script), "console", "console", "me"
    )
    assert chat.town is None  # no phantom town
    sent = ConsoleChannel.for_session(
        chat,
        console=Console(file=screen, width=200),
        source=io.StringIO(
            "今天调解纠纷3件\n绑定 青石镇\n今天调解纠纷3件\n\n/as 张敏\n今天调解纠纷3件\n"
            "/quit\n今天调解纠纷3件\n"
        ),
    ).run()
    shown = screen.getvalue()
    assert sent == 4
    assert "本群还没有绑定到乡镇" in shown and "本群已绑定到青石镇" in shown
    assert "您是青石镇的管理员" in shown and "以“张敏”的身份发言" in shown
    assert shown.count("已记录：调解矛盾纠纷 3件") == 2
    with session_factory() as session:
        assert [t.name for t in list_towns(session)] == ["青石镇"]
        roles = {p.display_name: p.role for p in list_people(session)}
    assert roles == {"me": "admin", "张敏": "staff"}
    again = io.StringIO()
    chat = console_session(
        settings, session_factory, ScriptedParser(script), "console", "console", "me"
    )
    ConsoleChannel.for_session(
        chat, console=Console(file=again, width=200), source=io.StringIO("")
    ).run()
    assert chat.town == "青石镇" and "绑定" not in again.getvalue()


def test_console_with_a_town_binds_up_front_and_makes_the_first_user_its_admin(
    settings, session_factory
):
    parser = ScriptedParser({})
    first = console_session(settings, session_factory, parser, "console", "c1", "me", "青石镇")
    assert first.town == "青石镇" and any("管理员" in note for note in first.notes)
    second = console_session(settings, session_factory, parser, "console", "c2", "you", "青石镇")
    assert any("工作人员" in note for note in second.notes)  # the town has its admin
    with session_factory() as session:
        roles = {p.display_name: p.role for p in list_people(session)}
        assert [t.name for t in list_towns(session)] == ["青石镇"]
    assert roles == {"me": "admin", "you": "staff"}


def test_console_announces_the_report_then_shows_the_file(settings, session_factory):
    """In the terminal too the draft renders off the message path: "正在生成…" first."""
    year = requested_year("要报告", date.today())  # last year in the first quarter
    day = date.today() if year == date.today().year else date(year, 12, 31)
    script = {
        "要报告": simple("要报告", "request_report"),
        "调解纠纷3件": logged("调解纠纷3件", ("disputes", "调解矛盾纠纷", 3, "件", day)),
    }
    screen = io.StringIO()
    chat = console_session(
        settings, session_factory, ScriptedParser(script), "console", "console", "me", "青石镇"
    )  # the first user of the town is its admin, who may ask for the draft
    channel = ConsoleChannel.for_session(
        chat, console=Console(file=screen, width=300), source=io.StringIO("调解纠纷3件\n要报告\n")
    )
    assert channel.run() == 2
    shown = screen.getvalue()
    rendering = shown.index(replies.text("report.rendering", year=year))
    ready = shown.index(replies.text("report.ready", year=year))
    assert rendering < ready < shown.index(".docx")


def test_the_console_reads_the_bots_own_mention_as_wechat_does(settings, session_factory):
    """The bot tells a new group to send "@法治台账 绑定 XX镇"; typed so, it must bind, and a
    work line with the mention is logged as without it."""
    script = {"今天调解纠纷3件": SCRIPT["今天调解纠纷3件"]}
    screen = io.StringIO()
    chat = console_session(
        settings, session_factory, ScriptedParser(script), "console", "console", "me"
    )
    ConsoleChannel.for_session(
        chat,
        console=Console(file=screen, width=200),
        source=io.StringIO(
            f"@{settings.bot_name} 绑定 青石镇\n@{settings.bot_name}\u2005今天调解纠纷3件\n"
        ),
    ).run()
    shown = screen.getvalue()
    assert "本群已绑定到青石镇" in shown and "本群还没有绑定到乡镇" not in shown
    assert "已记录：调解矛盾纠纷 3件" in shown
