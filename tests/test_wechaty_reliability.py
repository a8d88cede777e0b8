"""The channel's reliability parts on their own: mention stripping, watchdog, outbox, spool."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import OperationalError

from bot.channels.outbox import Outbox, Outgoing
from bot.channels.watchdog import Watchdog
from bot.channels.wechaty_channel import (
    bot_mention_pattern,
    message_time,
    plan_replies,
    strip_bot_mention,
)
from bot.message import IncomingMessage, Reply
from bot.run import RedactFilter, load_run_texts, wechaty_credentials
from bot.spool import Spool, SpoolingHandler

ZONE = ZoneInfo("Asia/Shanghai")


def msg(message_id: str, text: str = "今天调解纠纷3件", room: str | None = "r1") -> IncomingMessage:
    return IncomingMessage(
        "wechaty", message_id, room, "u1", datetime(2024, 5, 16, 10, tzinfo=ZONE), text
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@法治台账\u2005今天调解纠纷3件", ("今天调解纠纷3件", True)),
        ("@法治台账 今天调解纠纷3件", ("今天调解纠纷3件", True)),
        ("今天调解纠纷3件 @法治台账", ("今天调解纠纷3件", True)),
        ("＠法治台账 本月进度", ("本月进度", True)),
        ("@法治台账员 今天调解纠纷3件", ("@法治台账员 今天调解纠纷3件", False)),
        ("@张三\u2005@法治台账\u2005撤回", ("@张三 撤回", True)),
        ("收到", ("收到", False)),
    ],
)
def test_only_the_bots_own_mention_is_stripped(text, expected):
    assert strip_bot_mention(text, bot_mention_pattern(["法治台账", ""])) == expected


def test_message_time_takes_seconds_or_milliseconds():
    seconds = message_time(1715824800, ZONE)
    assert seconds == datetime(2024, 5, 16, 10, tzinfo=ZONE)
    assert message_time(1715824800_000, ZONE) == seconds
    assert message_time(0, ZONE).tzinfo is not None


def test_replies_mention_the_sender_in_rooms_and_files_follow_their_text(tmp_path):
    report = tmp_path / "报告.docx"
    planned = plan_replies(msg("m1"), [Reply("已记录", None), Reply("请查收", "u2", report)])
    assert [(p.conversation_id, p.text, p.mention_ids, p.file) for p in planned] == [
        ("r1", "已记录", ("u1",), None),
        ("r1", "请查收", ("u2",), None),
        ("r1", None, (), report),
    ]
    private = plan_replies(msg("m2", room=None), [Reply("好的", "u1")])
    assert [(p.conversation_id, p.mention_ids) for p in private] == [("u1", ())]


def test_watchdog_dings_when_quiet_and_fires_when_the_ding_goes_unanswered():
    now = [0.0]
    dings, fired = [], []

    async def ding():
        dings.append(now[0])

    dog = Watchdog(
        ding=ding,
        on_quiet=lambda: fired.append(now[0]),
        ding_after=10,
        quiet_after=25,
        clock=lambda: now[0],
    )

    async def scenario():
        for t in range(0, 41):
            now[0] = float(t)
            if t == 12:
                dog.feed()  # a dong came back: alive
            await dog.check()

    asyncio.run(scenario())
    assert dings and dings[0] == 10.0
    assert fired == [37.0]  # 25 s after the last sign of life at 12 s


def test_outbox_retries_with_backoff_and_keeps_order_per_room():
    sent: list[str] = []
    failures = {"a2": 2}

    async def send(item: Outgoing):
        if failures.get(item.text, 0):
            failures[item.text] -= 1
            raise ConnectionError("puppet reconnecting")
        sent.append(item.text)

    async def scenario():
        box = Outbox(send, attempts=4, base_delay=0.01, max_delay=0.02)
        for text in ["a1", "a2", "a3"]:
            box.put(Outgoing("room-a", text))
        box.put(Outgoing("room-b", "b1"))
        assert await box.join(5)
        return box

    box = asyncio.run(scenario())
    assert [t for t in sent if t.startswith("a")] == ["a1", "a2", "a3"]
    assert "b1" in sent and box.retried == 2 and box.failed == 0


def test_outbox_gives_up_after_its_attempts_and_logs(caplog):
    async def send(item: Outgoing):
        raise ConnectionError("gone")

    async def scenario():
        box = Outbox(send, attempts=3, base_delay=0.001)
        box.put(Outgoing("room-a", "x", source_message_id="m9"))
        assert await box.join(5)
        return box

    box = asyncio.run(scenario())
    assert box.failed == 1 and box.sent == 0
    assert any("not sent after 3 attempts" in r.getMessage() for r in caplog.records)


def unavailable() -> OperationalError:
    return OperationalError("SELECT 1", {}, ConnectionRefusedError("db down"))


def test_spool_keeps_messages_in_order_across_a_restart_and_drains_when_the_db_returns(tmp_path):
    db_up = [False]
    handled: list[str] = []

    def handle(m: IncomingMessage) -> list[Reply]:
        if not db_up[0]:
            raise unavailable()
        handled.append(m.message_id)
        return [Reply(f"ok {m.message_id}")]

    spool = Spool(tmp_path / "spool.jsonl")
    first = SpoolingHandler(handle, spool)
    assert [o.spooled for o in first(msg("m1"))] == [True]
    assert [o.spooled for o in first(msg("m2", "更正为4件"))] == [True]
    # the process restarts: a new handler finds the spool on disk
    second = SpoolingHandler(handle, Spool(tmp_path / "spool.jsonl"))
    assert second.has_pending
    db_up[0] = True
    outcomes = second(msg("m3"))  # a new message waits behind the spooled ones
    assert [o.message.message_id for o in outcomes] == ["m1", "m2", "m3"]
    assert handled == ["m1", "m2", "m3"] and not spool.path.exists()
    assert outcomes[1].message.text == "更正为4件"
    assert outcomes[0].message.time == datetime(2024, 5, 16, 10, tzinfo=ZONE)


def test_spool_skips_a_torn_line_and_other_errors_do_not_spool(tmp_path):
    spool = Spool(tmp_path / "spool.jsonl")
    spool.append(msg("m1"))
    with spool.path.open("a", encoding="utf-8") as fh:
        fh.write('{"channel": "wechaty", "message_')  # the process died mid-write
    assert [m.message_id for m in spool.pending()] == ["m1"]

    def broken(m: IncomingMessage) -> list[Reply]:
        raise ValueError("a bug, not an outage")

    outcome = SpoolingHandler(broken, Spool(tmp_path / "other.jsonl"))(msg("m2"))
    assert [(o.failed, o.spooled) for o in outcome] == [(True, False)]
    assert not (tmp_path / "other.jsonl").exists()


def test_run_texts_credentials_and_token_redaction():
    texts = load_run_texts()
    assert "PadLocal" in texts["no_token"] and "WorkPro" in texts["no_token"]
    assert "\n" not in texts["no_token"]  # one paragraph
    assert wechaty_credentials({"WECHATY_PUPPET_SERVICE_TOKEN": " t0k "}) == ("t0k", None)
    assert wechaty_credentials({"WECHATY_PUPPET_SERVICE_TOKEN": ""}) == (None, None)
    import logging

    record = logging.LogRecord(
        "PuppetService", logging.WARNING, "", 0, "token<%s>", ("s3cret",), None
    )
    RedactFilter("s3cret").filter(record)
    assert record.getMessage() == "token<***>"
