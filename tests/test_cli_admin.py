"""The command line an administrator uses, in Chinese: help and errors, review with Chinese
names, the default xlsx file, town rename/remove, `admin`, `backup`, and replay that never
invents a town."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import select

from bot.cli import app
from bot.dispatcher import Dispatcher
from bot.storage.models import Fact, Message
from bot.storage.registry import add_person, find_person, list_towns
from tests.ledger_helpers import ScriptedParser, logged, simple

ENGLISH = ("Usage", "Options", "Arguments", "Commands", "Show this message", "Error", "Missing")


def command_paths(group, prefix=()) -> list[tuple[str, ...]]:
    """Every command and command group of the app, as argument paths."""
    import typer.main

    click_group = typer.main.get_command(group) if prefix == () else group
    paths = [prefix]
    for name, command in getattr(click_group, "commands", {}).items():
        paths += command_paths(command, (*prefix, name))
    return paths


def test_every_help_page_is_in_chinese(cli):
    paths = command_paths(app)
    assert len(paths) > 25  # the app, its groups and their commands
    for path in paths:
        shown = cli(*path, "--help")
        assert shown.exit_code == 0, path
        for english in ENGLISH:
            assert english not in shown.output, (path, english)
        assert "用法：" in shown.output and "显示本帮助并退出" in shown.output, path


def test_errors_from_the_command_line_parser_are_in_chinese(cli):
    missing = cli("review", "assign", "1")
    assert missing.exit_code == 2 and "缺少参数 '意图'。" in missing.output
    bad = cli("facts", "--year", "今年")
    assert "'--year' 的值不对：'今年' 不是整数。" in bad.output
    typo = cli("facts", "--yaer", "2024")
    assert "没有选项：--yaer。可用：--year" in typo.output
    for result in (missing, bad, typo):
        assert not any(english in result.output for english in ENGLISH), result.output


@pytest.fixture
def queued(settings, session_factory, registered, make_message) -> Dispatcher:
    """Two messages in the review queue: ids 1 and 2."""
    unsure = {
        "今天帮村民写了份材料": simple("今天帮村民写了份材料", "log_activity", 0.3),
        "啥意思": simple("啥意思", "out_of_scope", 0.3),
    }
    bot = Dispatcher(settings, session_factory, ScriptedParser(unsure))
    bot.handle(make_message("今天帮村民写了份材料", mentions_bot=True))
    bot.handle(make_message("啥意思", mentions_bot=True))
    return bot


def test_review_assign_takes_chinese_names_and_refuses_a_made_up_section(
    cli, queued, session_factory
):
    made_up = cli(
        "review",
        "assign",
        "1",
        "记录工作",
        "--fact",
        "板块=法律援助服务,事项=代写文书,数量=1,单位=份",
    )
    said = "".join(made_up.stderr.split())  # rich wraps long lines
    assert made_up.exit_code == 1 and "没有板块“法律援助服务”" in said
    assert "公共法律服务" in said  # the sections one may use
    assert cli("review", "assign", "1", "瞎猜").exit_code == 1
    done = cli(
        "review",
        "assign",
        "1",
        "记录工作",
        "--fact",
        "板块=公共法律服务,事项=代写文书,数量=1,单位=份",
    )
    assert done.exit_code == 0, done.output
    assert cli("review", "assign", "2", "闲聊").exit_code == 0
    with session_factory() as session:
        (fact,) = session.execute(select(Fact)).scalars()
        statuses = [
            m.status for m in session.execute(select(Message).order_by(Message.id)).scalars()
        ]
    assert (fact.section, fact.activity, float(fact.value), fact.unit) == (
        "legal_services",
        "代写文书",
        1.0,
        "份",
    )
    assert statuses == ["logged", "ignored"]


def test_facts_as_xlsx_without_o_writes_a_default_file(cli, settings, registered):
    result = cli("facts", "--year", "2024", "--format", "xlsx", "--town", "白岩镇")
    assert result.exit_code == 0, result.output
    target = settings.data_dir / "exports" / "白岩镇台账明细2024.xlsx"
    assert target.is_file() and str(target) in " ".join(result.output.split()).replace(" ", "")


def test_towns_rename_and_remove(cli, settings, session_factory, registered, make_message):
    Dispatcher(
        settings,
        session_factory,
        ScriptedParser(
            {"今天调解纠纷3件": logged("今天调解纠纷3件", ("disputes", "调解矛盾纠纷", 3, "件"))}
        ),
    ).handle(make_message("今天调解纠纷3件"))
    assert cli("towns", "rename", "白岩镇", "白岩乡").exit_code == 0
    assert cli("towns", "rename", "白岩乡", "../x").exit_code == 1
    assert cli("towns", "add", "空镇").exit_code == 0
    refused = cli("towns", "remove", "白岩乡")
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert cli("towns", "remove", "空镇").exit_code == 0  # nothing in it: no export needed
    removed = cli("towns", "remove", "白岩乡", "--force")
    assert removed.exit_code == 0, removed.output
    with session_factory() as session:
        assert list_towns(session) == []
        assert session.execute(select(Message)).first() is None
    (folder,) = (settings.data_dir / "exports").iterdir()
    facts = json.loads((folder / "facts.json").read_text(encoding="utf-8"))
    assert [(f["town"], f["activity"], f["value"]) for f in facts] == [
        ("白岩乡", "调解矛盾纠纷", 3)
    ]
    lines = (folder / "messages.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["今天调解纠纷3件"]


def test_admin_by_name_or_id(cli, session_factory, registered):
    assert cli("admin", "张三").exit_code == 0
    with session_factory() as session:
        assert find_person(session, "test", "zhang").role == "admin"
        add_person(session, "test", "zhang2", list_towns(session)[0], display_name="李四")
        session.commit()
    ambiguous = cli("admin", "李四")
    assert ambiguous.exit_code == 1 and "有多位“李四”" in ambiguous.stderr
    assert cli("admin", "zhang2").exit_code == 0
    assert cli("admin", "无此人").exit_code == 1


def test_backup_writes_a_consistent_sqlite_copy(
    cli, settings, session_factory, registered, tmp_path
):
    if not settings.effective_database_url.startswith("sqlite"):
        result = cli("backup")
        assert result.exit_code == 0 and "pg_dump --format=custom" in result.output
        assert "pg_restore" in result.output
        return
    target = tmp_path / "copy.sqlite3"
    result = cli("backup", "-o", str(target))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        names = [row[0] for row in copy.execute("SELECT name FROM towns")]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert names == ["白岩镇"]


def test_replay_asks_for_the_town_instead_of_inventing_one(cli, session_factory, tmp_path):
    export = tmp_path / "chat.jsonl"
    line = {"time": "2024-05-16T09:00:00+08:00", "room": "r", "sender": "s", "text": "收到"}
    export.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    result = cli("replay", str(export))
    assert result.exit_code == 1 and "请用 --town 指定" in result.stderr
    with session_factory() as session:
        assert list_towns(session) == []  # no phantom town
    assert cli("replay", str(export), "--town", "白岩镇").exit_code == 0
    with session_factory() as session:
        assert [t.name for t in list_towns(session)] == ["白岩镇"]


def test_report_of_a_year_without_records_says_so(cli, registered, tmp_path):
    result = cli("report", "--year", "2023", "--format", "md", "-o", str(tmp_path / "r.md"))
    assert result.exit_code == 0, result.output
    assert "白岩镇台账里还没有2023年的记录" in "".join(result.stderr.split())
