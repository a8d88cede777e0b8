"""An extractor failure is logged and sends the message to review; it is never read as a
message without facts (issue 11, "four extractor paths swallow every exception")."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

import nlu.facts
from actions import replies
from bot.storage.models import Fact, Message, MessageStatus
from nlu.facts import extract

NOW = datetime(2024, 5, 16, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def broken_place_reader(monkeypatch):
    def boom(text: str):
        raise RuntimeError("place table is corrupt")

    monkeypatch.setattr(nlu.facts, "find_places", boom)


@pytest.mark.parametrize(
    "reader", ["find_quantities", "find_dates", "find_places", "find_ordinals"]
)
def test_a_failing_reader_is_logged_and_reported(monkeypatch, caplog, reader):
    def boom(*args):
        raise RuntimeError(f"{reader} broke")

    monkeypatch.setattr(nlu.facts, reader, boom)
    with caplog.at_level(logging.ERROR, logger="nlu.facts"):
        result = extract("今天在白岩村第2次调解纠纷3件", NOW)
    assert result.error == f"RuntimeError: {reader} broke"
    assert result.facts == []
    [record] = [r for r in caplog.records if r.getMessage() == "extractor failed"]
    assert record.exc_info is not None and record.levelno == logging.ERROR


def test_a_working_extractor_reports_no_error():
    result = extract("今天在白岩村调解纠纷3件", NOW)
    assert result.error is None and len(result.facts) == 1


def test_the_parse_result_carries_the_error(parser, broken_place_reader):
    result = parser.parse("今天调解纠纷3件", NOW)
    assert result.error == "RuntimeError: place table is corrupt"
    assert result.to_dict()["error"] == result.error
    assert "error" not in parser.parse("", NOW).to_dict()


def test_the_message_waits_for_review(
    dispatcher, make_message, registered, session_factory, broken_place_reader
):
    # Not addressed to the bot: the sender is still told, it may have been a work report.
    (reply,) = dispatcher.handle(make_message("今天调解纠纷3件", message_id="e1"))
    assert reply.text == replies.text("not_understood.error")
    with session_factory() as session:
        message = session.execute(
            select(Message).where(Message.channel_message_id == "e1")
        ).scalar_one()
        assert message.status == MessageStatus.NOT_UNDERSTOOD
        assert message.note == "extractor error: RuntimeError: place table is corrupt"
        assert session.execute(select(Fact)).scalars().all() == []
