"""`taizhang parse` and `taizhang train`: the NLU contract on the command line."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import typer

from actions import replies
from bot.commands.chinese import h, say
from bot.inbound import clean_text
from bot.logs import configure_logging
from bot.settings import get_settings

log = logging.getLogger(__name__)


def _now(raw: str | None, timezone: str) -> datetime:
    """Parse --now / a line's "now"; naive times are taken as the bot's timezone."""
    if not raw:
        return datetime.now(ZoneInfo(timezone))
    value = datetime.fromisoformat(raw)
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(timezone))


def _dump(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _parse_line(parser: Any, raw: bytes, timezone: str) -> dict[str, Any]:
    """The parse of one JSONL line; raises ValueError for a line that is not a request."""
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 (byte {error.start + 1})") from None
    item = json.loads(line)
    if not isinstance(item, dict):
        raise ValueError("a line must be a JSON object")
    now = _now(item.get("now"), timezone)
    text = item.get("text")
    if text is not None and not isinstance(text, str):
        raise ValueError('"text" must be a string')
    line_id = item.get("id")
    if line_id is not None and not isinstance(line_id, (str, int)):
        raise ValueError('"id" must be a string or a number')
    if isinstance(line_id, str):
        line_id = clean_text(line_id)
    return parser.parse(clean_text(text), now, id=line_id).to_dict()


def _parse_jsonl(parser: Any, path: Path, timezone: str) -> None:
    """One output object per input line, in order; a bad line (or one the parser cannot
    handle) yields an error object and the next line is parsed."""
    handle = sys.stdin.buffer if str(path) == "-" else path.open("rb")
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                _dump(_parse_line(parser, raw, timezone))
            except ValueError as error:
                _dump({"id": None, "line": number, "error": str(error)})
            except Exception as error:  # e.g. OverflowError on a 309-digit number
                log.exception("parse failed on line %d", number)
                _dump({"id": None, "line": number, "error": f"{type(error).__name__}: {error}"})


def parse(
    text: str | None = typer.Argument(None, help=h("parse.text"), metavar=h("names.parse_text")),
    now: str | None = typer.Option(None, help=h("parse.now")),
    as_json: bool = typer.Option(False, "--json", help=h("parse.json")),
    jsonl: Path | None = typer.Option(None, help=h("parse.jsonl")),
) -> None:
    """Show how the bot understands a message (or every line of a JSONL file)."""
    configure_logging("WARNING")
    from nlu.parser import load_parser

    settings = get_settings()
    if text is None and jsonl is None:
        raise typer.BadParameter(say("need_text"))
    try:
        parser = load_parser(settings)
    except Exception as error:  # a missing or broken model must read as a clear message
        typer.echo(replies.text("cli.model_failed", error=error), err=True)
        raise typer.Exit(2) from error
    if jsonl is not None:
        _parse_jsonl(parser, jsonl, settings.timezone)
        return
    try:
        moment = _now(now, settings.timezone)
    except ValueError as error:
        raise typer.BadParameter(say("bad_now", value=now), param_hint="--now") from error
    result = parser.parse(text, moment).to_dict()
    if as_json:
        _dump(result)
    else:
        from rich import print_json

        print_json(data=result, ensure_ascii=False)


def train(
    config: Path | None = typer.Option(None, help=h("train.config")),
    force: bool = typer.Option(False, help=h("train.force")),
) -> None:
    """Train the NLU model (skipped when the model for the current data already exists)."""
    from nlu.lexicon import problems
    from nlu.training import ensure_model
    from nlu.training import train as train_model

    settings = get_settings()
    configure_logging(settings.log_level)
    _exit_on_lexicon_problems(problems())  # no model is trained on inconsistent word data
    _export_feedback(settings)
    path = train_model(settings, config) if force else ensure_model(settings, config)
    typer.echo(str(path))


def _export_feedback(settings) -> None:
    """People's answers in the ledger become training lines first (bot/feedback.py); with no
    ledger yet (a fresh install) there is nothing to export."""
    from bot.feedback import export_feedback
    from bot.storage import open_ledger

    url = settings.effective_database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return
    count = export_feedback(
        open_ledger(settings), settings.data_dir / "feedback", settings.timezone
    )
    log.info("people's answers exported for training", extra={"messages": count})


lexicon_app = typer.Typer(help=h("lexicon.help"), no_args_is_help=True)


@lexicon_app.command("check", help=h("lexicon.check"))
def lexicon_check() -> None:
    """Check the word data (cues, sections, activities, dates, places) before a model is
    trained on it."""
    from actions import replies
    from nlu.catalogue import catalogue
    from nlu.cues import REQUIRED
    from nlu.lexicon import problems
    from nlu.place_words import place_words
    from nlu.sections import sections

    _exit_on_lexicon_problems(problems())
    activities = sum(len(section.activities) for section in sections())
    typer.echo(
        replies.text(
            "cli.lexicon_ok",
            cues=len(REQUIRED),
            sections=len(sections()),
            activities=activities,
            catalogue=len(catalogue()),
            places=len(place_words().suffixes),
        )
    )


def _exit_on_lexicon_problems(found: list[tuple[str, str, str]]) -> None:
    """Print each problem of the lexicon in Chinese and exit 1; nothing when there is none."""
    from actions import replies

    if not found:
        return
    typer.echo(replies.text("cli.lexicon_failed", count=len(found)), err=True)
    for key, where, detail in found:
        typer.echo(
            "  " + replies.text(f"cli.lexicon_problem.{key}", where=where, detail=detail),
            err=True,
        )
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("parse", help=h("parse.help"))(parse)
    app.command("train", help=h("train.help"))(train)
    app.add_typer(lexicon_app, name="lexicon")
