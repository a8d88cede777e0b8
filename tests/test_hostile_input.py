"""No single bad input stops the others: replay, the message path (what the Wechaty channel
and the console use), the console itself and `parse --jsonl` each take hostile lines,
report them, keep them for review, and handle everything else."""

from __future__ import annotations

import io
import json
import time
from datetime import datetime

import pytest
from rich.console import Console
from sqlalchemy import select

from actions.bind_room import requested_town
from bot.channels.console import chat
from bot.channels.replay import CHANNEL, replay
from bot.commands.ledger import keep_bad_lines
from bot.commands.nlu import _parse_jsonl
from bot.dispatcher import Dispatcher
from bot.inbound import MAX_ID_CHARS, clean_incoming, for_parsing
from bot.onboarding import ExportRegistrar
from bot.storage.models import Fact, Message, MessageStatus
from nlu.result import INTENTS
from tests.ledger_helpers import ScriptedParser, logged

GOOD = {"time": "2024-05-16T09:00:00+08:00", "room": "群1", "sender": "张三"}

# Each entry: (what it is, the line's JSON fields over GOOD).
HOSTILE = [
    ("NUL in text", {"text": "今天调解\x00纠纷2件"}),
    ("NUL in sender", {"sender": "王\x00五", "text": "收到"}),
    ("room of 300 characters", {"room": "群" * 300, "text": "收到"}),
    ("id of 300 characters", {"id": "x" * 300, "text": "好的"}),
    ("sender of 150 characters", {"sender": "李" * 150, "text": "收到了"}),
    ("lone surrogate", {"text": "今天调解纠纷\ud800一件"}),
    ("lone surrogate in the room", {"room": "群\udfff", "text": "好"}),
    ("huge number", {"text": "今天调解纠纷" + "9" * 30 + "件"}),
    ("309-digit number", {"text": "今天发放资料" + "1" * 309 + "份"}),
    ("exponent", {"text": "今天调解纠纷1e-308件"}),
    ("huge integer id", {"id": 10**250, "text": "明白"}),
    ("markup", {"text": "[bold]今天调解纠纷1件[/bold] [/x]"}),
    ("100k whitespace", {"text": " " * 100_000 + "x"}),
]
BAD_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1970-01-01T00:00:00Z"]


def _export(tmp_path, extra_raw: list[str] = ()):  # type: ignore[assignment]
    lines = [json.dumps({**GOOD, "text": "今天调解纠纷3件", "id": "first"})]
    lines += [json.dumps({**GOOD, **fields}) for _, fields in HOSTILE]
    lines += [json.dumps({**GOOD, "time": t, "text": "收到"}) for t in BAD_TIMES]
    lines += list(extra_raw)
    lines.append(json.dumps({**GOOD, "text": "今天开展普法宣传2场", "id": "last"}))
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, len(lines)


def test_hostile_lines_never_stop_a_replay(tmp_path, settings, session_factory, parser):
    path, total = _export(tmp_path, ['{"time": [[[[[[' + "[" * 5000, '{"id": ' + "9" * 5000 + "}"])
    bot = Dispatcher(settings, session_factory, parser)
    admit = ExportRegistrar(session_factory, "白岩镇", CHANNEL).admit
    summary = replay(path, bot, admit=admit, batch_size=4)

    assert summary.lines == total
    reasons = [bad.reason for bad in summary.bad_lines]
    assert reasons == ["time_out_of_range"] * len(BAD_TIMES) + ["not_json", "not_json"]
    assert summary.messages == total - len(summary.bad_lines)
    with session_factory() as session:
        rows = {m.channel_message_id: m for m in session.execute(select(Message)).scalars()}
        facts = session.execute(select(Fact)).scalars().all()
    assert rows["first"].status == rows["last"].status == MessageStatus.LOGGED
    assert all(len(key) <= MAX_ID_CHARS for key in rows)
    assert all("\x00" not in m.text and "\ud800" not in m.text for m in rows.values())
    # no implausible value reached the ledger
    assert all(f.value < 10**6 for f in facts)

    # every bad line is kept verbatim for review
    kept = keep_bad_lines(summary.bad_lines, settings.data_dir, path)
    assert kept is not None and kept.parent.parent == settings.data_dir
    assert len(kept.read_text(encoding="utf-8").splitlines()) == len(summary.bad_lines)

    again = replay(path, bot, admit=admit)  # the same file again adds nothing
    assert again.messages == 0 and again.duplicates == summary.messages


class Explodes:
    """An action that fails for one text: what an unforeseen bug in one message does."""

    def __init__(self, real, text: str) -> None:
        self.real, self.text = real, text

    def __call__(self, intent: str):
        action = self.real(intent)

        def run(ctx):
            if ctx.message.text == self.text:
                raise ArithmeticError("boom")
            return action(ctx)

        return run


SCRIPT = {
    "今天调解纠纷3件": logged("今天调解纠纷3件", ("disputes", "调解矛盾纠纷", 3, "件")),
    "今天调解纠纷4件": logged("今天调解纠纷4件", ("disputes", "调解矛盾纠纷", 4, "件")),
    "今天调解纠纷5件": logged("今天调解纠纷5件", ("disputes", "调解矛盾纠纷", 5, "件")),
}


def test_a_failing_message_is_kept_for_review_and_the_batch_goes_on(
    monkeypatch, settings, session_factory, registered, make_message
):
    import bot.dispatcher as dispatcher_module

    monkeypatch.setattr(
        dispatcher_module, "action_for", Explodes(dispatcher_module.action_for, "今天调解纠纷4件")
    )
    bot = Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))
    batch = [make_message(t) for t in ("今天调解纠纷3件", "今天调解纠纷4件", "今天调解纠纷5件")]
    outcomes = bot.process_batch(batch)
    assert [o.status for o in outcomes] == ["logged", "failed", "logged"]
    assert [o.facts_logged for o in outcomes] == [1, 0, 1]
    assert outcomes[1].replies  # the sender is told the message was kept

    single = bot.process(make_message("今天调解纠纷4件", mentions_bot=True))  # channel path
    assert single.status == MessageStatus.FAILED and single.replies

    with session_factory() as session:
        failed = (
            session.execute(select(Message).where(Message.status.in_(MessageStatus.REVIEW_QUEUE)))
            .scalars()
            .all()
        )
    assert len(failed) == 2 and all("ArithmeticError: boom" in m.note for m in failed)
    assert bot.process_batch(batch)[1].duplicate  # a rerun does not fail it again


@pytest.mark.parametrize("label,fields", HOSTILE, ids=[label for label, _ in HOSTILE])
def test_hostile_message_on_the_channel_path(
    label, fields, settings, session_factory, parser, registered, make_message
):
    """What the Wechaty channel and the console call: store first, then handle."""
    bot = Dispatcher(settings, session_factory, parser)
    text = fields.get("text", "收到")
    msg = make_message(text, mentions_bot=True, message_id=str(fields.get("id", "h1")))
    if "sender" in fields:
        msg = clean_incoming(msg.__class__(**{**msg.__dict__, "sender": fields["sender"]}))
    outcome = bot.process(msg)
    assert outcome.message_id is not None
    after = bot.process(make_message("今天调解纠纷3件", message_id="after"))
    assert after.status == MessageStatus.LOGGED and after.facts_logged == 1


def test_console_survives_markup_and_bad_lines(settings, session_factory, parser, registered):
    bot = Dispatcher(settings, session_factory, parser)
    out = io.StringIO()
    typed = "绑定 [/x]\n[bold]今天调解纠纷1件[/]\n今天调解\x00纠纷\ud8002件\n今天调解纠纷3件\n"
    sent = chat(
        bot, "grp-1", "zhang", console=Console(file=out, width=200), source=io.StringIO(typed)
    )
    assert sent == 4
    assert "[/x]" in out.getvalue() or "绑定" in out.getvalue()


def test_bind_pattern_is_linear_on_long_whitespace():
    for text in (" " * 100_000 + "x", "绑定" + " " * 100_000 + "x", "本群" + " " * 100_000):
        started = time.perf_counter()
        assert requested_town(text) is None
        assert time.perf_counter() - started < 1.0  # backtracking would take minutes
    assert requested_town("  本群绑定到 双土镇。 ") == "双土镇"


def test_parse_jsonl_reports_a_bad_line_and_goes_on(tmp_path, parser, capsys):
    path = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": 1, "text": "今天调解纠纷3件", "now": "2024-05-16T10:00:00+08:00"}),
        json.dumps({"id": 2, "text": "今天发放资料" + "1" * 309 + "份"}),
        json.dumps({"id": 3, "text": "调解\ud800纠纷\x002件"}),
        json.dumps({"id": {"x": 1}, "text": "hi"}),
        "[1, 2]",
    ]
    raw = ("\n".join(lines) + "\n").encode("utf-8") + "今天调解纠纷4件\n".encode("gbk")
    raw += json.dumps({"id": 9, "text": "今天调解纠纷5件"}).encode() + b"\n"
    path.write_bytes(raw)
    _parse_jsonl(parser, path, "Asia/Shanghai")
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == 7
    assert out[0]["facts"][0]["value"] == 3 and out[-1]["facts"][0]["value"] == 5
    assert [o.get("line") for o in out if "error" in o] == [4, 5, 6]


def test_invisible_characters_do_not_split_numbers():
    assert for_parsing("调解纠纷1\u200b2件") == "调解纠纷12件"
    assert for_parsing("调解纠纷1\u202e2\u2066件\ufeff") == "调解纠纷12件"


NOW = datetime.fromisoformat("2024-05-16T10:30:00+08:00")


@pytest.mark.parametrize("text", ["/request_report", "/log_activity", "/**/SELECT/**/1;--"])
def test_a_leading_slash_does_not_choose_the_intent(parser, text):
    """Rasa reads "/name" as an intent given by hand, at confidence 1.0."""
    result = parser.parse(text, NOW)
    assert result.intent in INTENTS and not result.facts
    assert (result.intent, result.confidence) != (text[1:], 1.0)


def test_a_report_after_a_slash_is_read(parser):
    result = parser.parse("/今天调解纠纷3件", NOW)
    assert [(f.section, f.value, f.unit) for f in result.facts] == [("disputes", 3, "件")]


@pytest.mark.parametrize("gap", [" ", "\u00a0", "\u3000", "\u2009", "\t"])
def test_a_space_before_the_measure_word_keeps_the_unit(parser, gap):
    """"3 次" was read as 3处 + 1次; "2 起" lost its unit."""
    result = parser.parse(f"今天开展安全生产检查3{gap}次", NOW)
    assert [(f.section, f.value, f.unit) for f in result.facts] == [("emergency", 3, "次")]


def test_parse_removes_bidi_controls_like_the_bot(parser):
    """`taizhang parse` and the dispatcher read the same text."""
    result = parser.parse("\u2066今天召开法治专题会议\u20691\u200e次\u200f", NOW)
    assert [(f.section, f.value, f.unit) for f in result.facts] == [("leadership", 1, "次")]
