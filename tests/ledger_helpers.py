"""Helpers for the ledger tests: a scripted parser and a comparable view of the ledger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select

from bot.storage.models import Fact, Message
from nlu.result import Correction, ParseResult, Query
from nlu.result import Fact as ParsedFact


class ScriptedParser:
    """Returns a prepared ParseResult per text (or raises), to test the dispatcher's own logic
    apart from the NLU; unknown texts are out_of_scope."""

    def __init__(self, script: dict[str, Callable[[datetime], ParseResult] | Exception]):
        self.script = script
        self.calls: list[str] = []

    def parse(self, text: str, now: datetime, id=None) -> ParseResult:
        self.calls.append(text)
        entry = self.script.get(text)
        if isinstance(entry, Exception):
            raise entry
        if entry is None:
            return ParseResult(text=text, intent="out_of_scope", confidence=0.99, id=id)
        result = entry(now)
        result.id = id
        return result


def logged(text: str, *facts: tuple, confidence: float = 0.95, fact_confidence: float = 0.9):
    """A log_activity result; each fact is (section, activity, value, unit[, date][, place]);
    `fact_confidence` is the model's certainty of each fact."""

    def build(now: datetime) -> ParseResult:
        parsed = []
        for spec in facts:
            section, activity, value, unit, *rest = spec
            day = rest[0] if rest and isinstance(rest[0], date) else now.date()
            place = rest[-1] if rest and isinstance(rest[-1], str) else None
            parsed.append(
                ParsedFact(
                    section, activity, value, unit, day, place, confidence=fact_confidence
                )
            )
        return ParseResult(text=text, intent="log_activity", confidence=confidence, facts=parsed)

    return build


def correction(
    text: str, value: float | None = None, retract: bool = False, unit: str | None = None
):
    return lambda now: ParseResult(
        text=text,
        intent="correct_last",
        confidence=0.95,
        correction=Correction(value=value, retract=retract, unit=unit),
    )


def query(text: str, section=None, period=None, uncovered=False):
    return lambda now: ParseResult(
        text=text,
        intent="query_progress",
        confidence=0.95,
        query=Query(section=section, period=period, uncovered=uncovered),
    )


def simple(text: str, intent: str, confidence: float = 0.95):
    return lambda now: ParseResult(text=text, intent=intent, confidence=confidence)


def ledger_rows(session_factory) -> list[tuple]:
    """The ledger as comparable tuples (no row ids or timestamps): facts, then messages."""
    with session_factory() as session:
        facts = session.execute(
            select(
                Message.channel_message_id,
                Fact.section,
                Fact.activity,
                Fact.value,
                Fact.unit,
                Fact.value_normalised,
                Fact.fact_date,
                Fact.place,
                Fact.status,
            )
            .join(Message, Message.id == Fact.message_id)
            .order_by(Message.channel_message_id, Fact.id)
        ).all()
        messages = session.execute(
            select(Message.channel_message_id, Message.status, Message.intent).order_by(
                Message.channel_message_id
            )
        ).all()
    return [tuple(r) for r in facts] + [tuple(r) for r in messages]
