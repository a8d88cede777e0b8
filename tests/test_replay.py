"""Replay of chat exports: a year of one township's chat gives the totals that were written,
a second replay adds nothing, bad lines are reported, and a replay killed halfway with
SIGKILL and started again ends with exactly the ledger of one uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from actions import replies
from bot.channels.replay import CHANNEL, BadLine, incoming, message_id_for, read_export, replay
from bot.commands.ledger import say
from bot.dispatcher import Dispatcher
from bot.onboarding import ExportRegistrar
from bot.settings import PROJECT_ROOT
from bot.storage import aggregate
from bot.storage.models import Message, Person, Room
from bot.storage.registry import find_town
from tests.ledger_helpers import ScriptedParser, ledger_rows, logged

DATA = Path(__file__).parent / "data"
YEAR_CHAT = DATA / "year_chat.jsonl"
EXPECTED = json.loads((DATA / "year_chat_expected.json").read_text(encoding="utf-8"))


def registrar(bot, town: str) -> ExportRegistrar:
    """What `taizhang replay --town` does: register the export's rooms and senders first."""
    return ExportRegistrar(bot.session_factory, town, CHANNEL)


def messages_in(session_factory) -> int:
    with session_factory() as session:
        return session.execute(select(func.count()).select_from(Message)).scalar_one()


def test_year_of_chat_gives_the_written_totals(settings, session_factory, parser):
    bot = Dispatcher(settings, session_factory, parser)
    summary = replay(YEAR_CHAT, bot, admit=registrar(bot, EXPECTED["town"]).admit)
    assert summary.bad_lines == []
    assert summary.messages == EXPECTED["messages"] and summary.duplicates == 0
    assert summary.facts_logged == EXPECTED["facts_logged"]
    assert summary.corrections == EXPECTED["corrections"]
    assert summary.not_understood == 0

    year = EXPECTED["year"]
    with session_factory() as session:
        town = find_town(session, EXPECTED["town"])
        start, end = date(year, 1, 1), date(year, 12, 31)
        figures = aggregate.totals(session, town.id, start, end, by_activity=False)
        records = aggregate.records_per_section(session, town.id, start, end)
    got = {(t.section, t.unit): t.value for t in figures}
    want = {
        (section, unit): Decimal(value)
        for section, units in EXPECTED["totals"].items()
        for unit, value in units.items()
    }
    assert got == want
    assert records == EXPECTED["records"]

    before = ledger_rows(session_factory)
    again = replay(YEAR_CHAT, bot, admit=registrar(bot, EXPECTED["town"]).admit)
    assert again.messages == 0 and again.duplicates == EXPECTED["messages"]
    assert ledger_rows(session_factory) == before


SCRIPT = {"今天调解纠纷3件": logged("今天调解纠纷3件", ("disputes", "调解矛盾纠纷", 3, "件"))}


def test_bad_lines_are_reported_and_the_rest_imported(tmp_path, settings, session_factory):
    export = tmp_path / "export.jsonl"
    good = {"time": "2024-05-16T09:00:00+08:00", "room": "群1", "sender": "张三"}
    lines = [
        json.dumps({**good, "text": "今天调解纠纷3件"}, ensure_ascii=False),
        "{not json",
        json.dumps({**good, "time": "昨天", "text": "x"}, ensure_ascii=False),
        "",
        json.dumps([1, 2]),
        json.dumps({"time": good["time"], "room": "群1", "text": "没有发送人"}, ensure_ascii=False),
        json.dumps({**good, "text": "收到", "time": "2024-05-16T09:01:00Z"}, ensure_ascii=False),
        json.dumps({**good, "text": None}, ensure_ascii=False),
    ]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bot = Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))
    admitted = registrar(bot, "白岩镇")
    summary = replay(export, bot, admit=admitted.admit)
    assert [bad.number for bad in summary.bad_lines] == [2, 3, 5, 6, 8]
    assert [bad.reason for bad in summary.bad_lines] == [
        "not_json",
        "bad_time",
        "not_object",
        "missing_field",
        "missing_field",
    ]
    assert summary.bad_lines[3].detail == "sender" and summary.bad_lines[4].detail == "text"
    for bad in summary.bad_lines:  # every reason has its Chinese wording
        assert say(f"bad_line_reasons.{bad.reason}", detail=bad.detail)
    assert summary.messages == 2 and summary.facts_logged == 1 and summary.ignored == 1
    assert admitted.rooms_registered == ["群1"] and admitted.people_registered == ["张三"]
    with session_factory() as session:
        room = session.execute(select(Room)).scalar_one()
        person = session.execute(select(Person)).scalar_one()
        naive_utc = session.execute(
            select(Message.sent_at).where(Message.text == "收到")
        ).scalar_one()
        assert room.town.name == "白岩镇" and person.role == "staff"
    assert naive_utc == datetime.fromisoformat("2024-05-16T09:01:00+00:00")


class OneAtATime:
    """The real parser without its batch method: what a channel's single messages get."""

    def __init__(self, parser) -> None:
        self.parse = parser.parse


def test_batched_replay_equals_handling_each_line_as_it_comes(
    tmp_path, settings, session_factory, parser
):
    """The replay's batch path (one transaction and one parse run for 200 lines) leaves
    exactly the ledger that the channels' path (store first, then handle) leaves."""
    lines = YEAR_CHAT.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[10])
    long_text = {**first, "id": "long", "text": first["text"] + "。" * 25000}
    export = tmp_path / "export.jsonl"
    # the same line twice inside one batch, and a pasted document longer than is stored
    extra = [lines[10], json.dumps(long_text, ensure_ascii=False)]
    export.write_text("\n".join(lines[:150] + extra + lines[150:]) + "\n", encoding="utf-8")

    bot = Dispatcher(settings, session_factory, parser)
    batched = replay(export, bot, admit=registrar(bot, "白岩镇").admit)
    assert batched.duplicates == 1 and batched.messages == len(lines) + 1
    reference = ledger_rows(session_factory)
    _empty(settings, session_factory)

    single = Dispatcher(settings, session_factory, OneAtATime(parser))
    admit = registrar(single, "白岩镇").admit
    outcomes = []
    for item in read_export(export, single.zone):
        assert not isinstance(item, BadLine)
        admit(item.room, item.sender)
        outcomes.append(single.process(incoming(item)))
    assert sum(o.duplicate for o in outcomes) == 1
    assert sum(o.facts_logged for o in outcomes) == batched.facts_logged > 0
    assert ledger_rows(session_factory) == reference


def test_line_ids_and_hashes():
    when = datetime(2024, 5, 16, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    first = message_id_for(when, "群1", "张三", "今天调解纠纷3件")
    assert first == message_id_for(when, "群1", "张三", "今天调解纠纷3件")
    assert first != message_id_for(when, "群1", "张三", "今天调解纠纷4件")
    assert first != message_id_for(when, "群2", "张三", "今天调解纠纷3件")


def run_cli_replay(settings, path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "TAIZHANG_DATABASE_URL": settings.effective_database_url,
        "TAIZHANG_DATA_DIR": str(settings.data_dir),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    return subprocess.Popen(
        [str(PROJECT_ROOT / ".venv" / "bin" / "taizhang"), "replay", str(path), "--town", "白岩镇"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_replay_killed_halfway_then_rerun_equals_one_run(settings, session_factory, parser):
    """SIGKILL mid-replay (a real `taizhang replay` process), run again: same ledger."""
    bot = Dispatcher(settings, session_factory, parser)
    replay(YEAR_CHAT, bot, admit=registrar(bot, "白岩镇").admit)
    reference = ledger_rows(session_factory)
    total = EXPECTED["messages"]
    _empty(settings, session_factory)

    process = run_cli_replay(settings, YEAR_CHAT)
    deadline = time.monotonic() + 300
    try:
        while messages_in(session_factory) < total // 3:
            assert process.poll() is None, process.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "replay made no progress"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    stored = messages_in(session_factory)
    assert total // 3 <= stored < total  # really killed halfway

    rerun = run_cli_replay(settings, YEAR_CHAT)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err.decode()[-2000:]
    assert ledger_rows(session_factory) == reference
    # the closing summary names the whole file on one line, and counts what the rerun added
    summary = out.decode().splitlines()
    assert say("replay_title", path=YEAR_CHAT) in summary
    label = replies.templates()["cli"]["replay_rows"]["duplicates"]
    skipped = next(line for line in summary if label in line)
    assert skipped.split()[-2] == str(stored)


def _empty(settings, session_factory) -> None:
    """Remove every row (the schema stays), for a second run in the same database."""
    from bot.storage.models import Base

    with session_factory() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
        session.commit()
