"""The parser the bot calls: a trained Rasa NLU model run in-process.

It loads Rasa's prediction graph directly (`rasa.engine.loader`) instead of `rasa.core.agent`,
because the agent imports TensorFlow and the dialogue machinery, which this NLU-only
pipeline does not use: that keeps start-up and memory within the bot's budget.
"""

from __future__ import annotations

import logging
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from rasa.engine.constants import PLACEHOLDER_MESSAGE

from nlu.components import (
    BOT_NAME_METADATA_KEY,
    EXTRACTION_KEY,
    NOW_METADATA_KEY,
    extraction_of,
    published,
)
from nlu.result import ParseResult

log = logging.getLogger(__name__)

# C0/C1 control characters (but not tab/newline), zero-width marks, bidi controls, soft
# hyphens and BOMs carry no meaning (the same set as bot.inbound.for_parsing removes, so
# `taizhang parse` reads what the bot reads).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff]"
)
# No-break, thin and other typographic spaces are spaces.
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f]")
# "3 件", "2 起": a space between a number and its measure word splits them for the reader,
# which then guesses the unit (3 次 read as 3处 + 1次); the space carries no meaning.
_NUMBER_GAP = re.compile("(?<=[0-9\uff10-\uff19])[ \t\u3000]+(?=[\u4e00-\u9fff])")
# A mark typed over and over (！！！！！！, ~~~, 。。。。) reads as one: the model learnt wording
# from messages that rarely repeat a mark, and six of them must not outweigh "调解纠纷3件".
_REPEATED_MARK = re.compile(r"([!！?？~～。，,.\-—=*#])\1{2,}")
# Beyond this length a message is a pasted document, not a work report; parse its head.
MAX_TEXT_CHARS = 2000


def clean_text(text: str | None) -> str:
    """The text the model sees: invisible characters removed, length bounded."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = _NUMBER_GAP.sub("", _SPACES.sub(" ", text))
    text = _REPEATED_MARK.sub(r"\1", text)
    return _no_forced_intent(text[:MAX_TEXT_CHARS])


def _no_forced_intent(text: str) -> str:
    """Rasa reads a text beginning with "/" as an intent given by hand ("/request_report"
    -> request_report at confidence 1.0; "/今天调解纠纷3件" -> an intent of that name, and
    the report is lost). A member must not choose the parse: the full-width slash reads
    the same to our extractor (normalize_width) and is not Rasa's prefix."""
    body = text.lstrip()
    if not body.startswith("/"):
        return text
    return text[: len(text) - len(body)] + "\uff0f" + body[1:]


class Parser:
    """Parses message texts with one loaded model; safe to call many times, one at a time."""

    def __init__(
        self,
        runner: Any,
        target: str,
        model_path: Path,
        workdir: Any,
        message_class: type,
        bot_name: str | None = None,
    ) -> None:
        self.bot_name = bot_name
        self._runner = runner
        self._message_class = message_class
        self._target = target
        self.model_path = model_path
        self._workdir = workdir  # keeps the unpacked model alive as long as the parser

    @classmethod
    def load(cls, model_path: Path, bot_name: str | None = None) -> Parser:
        """Unpack the model archive and build Rasa's prediction graph for it."""
        from rasa.core.channels.channel import UserMessage
        from rasa.engine.loader import load_predict_graph_runner
        from rasa.engine.runner.dask import DaskGraphRunner
        from rasa.engine.storage.local_model_storage import LocalModelStorage

        workdir = tempfile.TemporaryDirectory(prefix="taizhang-model-")
        metadata, runner = load_predict_graph_runner(
            Path(workdir.name), Path(model_path), LocalModelStorage, DaskGraphRunner
        )
        if not metadata.nlu_target:
            raise ValueError(f"{model_path} holds no NLU pipeline")
        log.info("NLU model loaded", extra={"model": str(model_path)})
        return cls(runner, metadata.nlu_target, Path(model_path), workdir, UserMessage, bot_name)

    def parse(self, text: str | None, now: datetime, id: Any = None) -> ParseResult:
        """Understand one message; `now` is the message time that relative dates refer to."""
        (result,) = self.parse_many([(text, now)])
        result.id = id
        return result

    def parse_many(self, items: Sequence[tuple[str | None, datetime]]) -> list[ParseResult]:
        """Understand several (text, now) pairs with one run of the graph, in order.

        Rasa's components work on lists of messages, so a replayed batch pays the graph's
        scheduling once instead of once per line; each result equals `parse` of its item."""
        results: list[ParseResult | None] = [None] * len(items)
        messages, positions = [], []
        for position, (text, now) in enumerate(items):
            cleaned = clean_text(text)
            if not cleaned.strip():
                results[position] = ParseResult(
                    text=text or "", intent="out_of_scope", confidence=1.0
                )
                continue
            metadata = {NOW_METADATA_KEY: now.isoformat()}
            if self.bot_name:
                metadata[BOT_NAME_METADATA_KEY] = self.bot_name
            messages.append(self._message_class(text=cleaned, metadata=metadata))
            positions.append(position)
        if messages:
            outputs = self._runner.run(
                inputs={PLACEHOLDER_MESSAGE: messages}, targets=[self._target]
            )[self._target]
            for position, parsed in zip(positions, outputs, strict=True):
                text, now = items[position]
                results[position] = self._result(text, now, parsed)
        return [result for result in results if result is not None]

    @staticmethod
    def _result(text: str | None, now: datetime, parsed: Any) -> ParseResult:
        intent = parsed.get("intent") or {}
        name = intent.get("name") or "out_of_scope"
        extraction = parsed.get(EXTRACTION_KEY) or extraction_of(parsed, now)
        facts, correction, query = published(extraction, name)
        return ParseResult(
            text=text or "",
            intent=name,
            confidence=float(intent.get("confidence") or 0.0),
            facts=facts,
            correction=correction,
            query=query,
            error=extraction.error,
        )


def load_parser(settings: Any = None, train_if_missing: bool = True) -> Parser:
    """The parser for the current model, training it first when missing or stale."""
    from nlu.training import ensure_model, model_path
    from taizhang.settings import get_settings

    settings = settings or get_settings()
    path = ensure_model(settings) if train_if_missing else model_path(settings)
    if not path.is_file():
        raise FileNotFoundError(f"no NLU model at {path}; run `taizhang train`")
    return Parser.load(path, bot_name=settings.bot_name)
