"""People's answers go back into the training data.

A message the bot was unsure of and the sender confirmed ("是"), or one a reviewer assigned,
is a labelled example the model got wrong or nearly wrong: `taizhang train` writes them as
corpus lines (the format of data/corpus, nlu/corpus.py) to <data_dir>/feedback/ledger.jsonl
and trains on them with the corpus. A fact is tied to its words (`span`) the way the corpus
writers do it: a figure to the number written with its value, an event without a digit to the
phrase naming its work; a message whose facts cannot all be tied is left out rather than taught
half-labelled."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import sessionmaker

from bot.storage.feedback import decided_messages
from bot.storage.models import Fact, Message
from bot.storage.units import plain
from nlu.facts import BOT_NAME, Analysis, extract

log = logging.getLogger(__name__)

FEEDBACK_FILE = "ledger.jsonl"


def _span(analysis: Analysis, fact: Fact, used: set[int]) -> str | None:
    value = float(fact.value)
    for quantity in analysis.quantities:
        if quantity.start not in used and abs(quantity.value - value) < 1e-9:
            used.add(quantity.start)
            return analysis.norm[quantity.start : quantity.end]
    if value == 1:
        for mention in analysis.activities:
            if mention.activity and mention.activity.section == fact.section:
                return analysis.norm[mention.start : mention.end]
    return None


def corpus_line(message: Message, facts: list[Fact], timezone: str) -> dict[str, Any] | None:
    """The message as a labelled corpus record, or None when a fact has no words to tie to."""
    now = message.sent_at.astimezone(ZoneInfo(timezone))
    analysis = extract(message.text, now, BOT_NAME).analysis
    if analysis is None:
        return None
    used: set[int] = set()
    labelled = []
    for fact in facts:
        span = _span(analysis, fact, used)
        if span is None or span not in message.text:
            return None
        labelled.append(
            {
                "section": fact.section,
                "activity": fact.activity,
                "value": float(plain(fact.value)),
                "unit": fact.unit,
                "date": fact.fact_date.isoformat(),
                "place": fact.place,
                "role": "new",
                "span": span,
            }
        )
    return {
        "id": f"ledger-{message.id}",
        "now": now.isoformat(),
        "text": message.text,
        "intent": "log_activity",
        "facts": labelled,
        "other_numbers": [],
        "correction": None,
        "query": None,
    }


def export_feedback(session_factory: sessionmaker, folder: Path, timezone: str) -> int:
    """Write every decided message as a corpus line to folder/ledger.jsonl; the count."""
    lines = []
    with session_factory() as session:
        for message, facts in decided_messages(session):
            line = corpus_line(message, facts, timezone)
            if line is None:
                log.info("decided message left out of training", extra={"message": message.id})
                continue
            lines.append(json.dumps(line, ensure_ascii=False))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / FEEDBACK_FILE
    if lines or target.exists():
        target.write_text("".join(f"{line}\n" for line in lines), "utf-8")
    return len(lines)
