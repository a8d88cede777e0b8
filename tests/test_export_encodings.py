"""Chat exports in GBK/GB18030 or UTF-16 are read as what they say, never stored as
mojibake; a line that does not decode is a bad line, and the rest is imported."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.channels.replay import CHANNEL, replay
from bot.dispatcher import Dispatcher
from bot.onboarding import ExportRegistrar
from bot.storage.models import Message
from tests.ledger_helpers import ScriptedParser, logged

TEXTS = [f"今天调解纠纷{n}件" for n in range(1, 11)]
SCRIPT = {t: logged(t, ("disputes", "调解矛盾纠纷", n, "件")) for n, t in enumerate(TEXTS, 1)}


def _lines() -> list[str]:
    return [
        json.dumps(
            {
                "time": f"2024-05-{n:02d}T09:00:00+08:00",
                "room": "综治群",
                "sender": "张三",
                "text": t,
            },
            ensure_ascii=False,
        )
        for n, t in enumerate(TEXTS, 1)
    ]


def _replay(path, settings, session_factory):
    bot = Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))
    return replay(path, bot, admit=ExportRegistrar(session_factory, "白岩镇", CHANNEL).admit)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_export_in_another_encoding_is_read_correctly(
    encoding, tmp_path, settings, session_factory
):
    path = tmp_path / "export.jsonl"
    path.write_bytes(("\r\n".join(_lines()) + "\r\n").encode(encoding))
    summary = _replay(path, settings, session_factory)
    assert summary.bad_lines == [] and summary.facts_logged == 10
    with session_factory() as session:
        stored = session.execute(select(Message.text).order_by(Message.id)).scalars().all()
        rooms = set(session.execute(select(Message.channel_room_id)).scalars())
    assert stored == TEXTS and rooms == {"综治群"}

    # the same export in UTF-8 is recognised as the same lines
    utf8 = tmp_path / "export-utf8.jsonl"
    utf8.write_text("\n".join(_lines()) + "\n", encoding="utf-8")
    again = _replay(utf8, settings, session_factory)
    assert again.messages == 0 and again.duplicates == 10


def test_a_line_that_does_not_decode_is_a_bad_line(tmp_path, settings, session_factory):
    lines = [line.encode("utf-8") for line in _lines()]
    lines[3] = _lines()[3].encode("gbk")  # one line pasted in from another tool
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    summary = _replay(path, settings, session_factory)
    assert [(b.number, b.reason) for b in summary.bad_lines] == [(4, "bad_encoding")]
    assert summary.facts_logged == 9
    with session_factory() as session:
        stored = session.execute(select(Message.text)).scalars().all()
    assert sorted(stored) == sorted(TEXTS[:3] + TEXTS[4:])
