"""`taizhang parse` and `taizhang train`: the NLU contract on the command line."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import typer

from bot.logs import configure_logging
from bot.settings import get_settings


def _now(raw: str | None, timezone: str) -> datetime:
    """Parse --now / a line's "now"; naive times are taken as the bot's timezone."""
    if not raw:
        return datetime.now(ZoneInfo(timezone))
    value = datetime.fromisoformat(raw)
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(timezone))


def _dump(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _parse_jsonl(parser: Any, path: Path, timezone: str) -> None:
    """One output object per input line, in order; a bad line yields an error object."""
    handle = sys.stdin if str(path) == "-" else path.open(encoding="utf-8-sig")
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError("a line must be a JSON object")
                now = _now(item.get("now"), timezone)
                text = item.get("text")
                if text is not None and not isinstance(text, str):
                    raise ValueError('"text" must be a string')
            except ValueError as error:
                _dump({"id": None, "line": number, "error": str(error)})
                continue
            _dump(parser.parse(text, now, id=item.get("id")).to_dict())


def parse(
    text: str | None = typer.Argument(None, help="The message text to parse."),
    now: str | None = typer.Option(None, help="Message time, ISO 8601 (default: now)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    jsonl: Path | None = typer.Option(
        None, help='A file of {"id", "text", "now"} lines ("-" for stdin).'
    ),
) -> None:
    """Show how the bot understands a message (or every line of a JSONL file)."""
    configure_logging("WARNING")
    from nlu.parser import load_parser

    settings = get_settings()
    if text is None and jsonl is None:
        raise typer.BadParameter("give a TEXT or --jsonl FILE")
    try:
        parser = load_parser(settings)
    except Exception as error:  # a missing or broken model must read as a clear message
        typer.echo(f"无法加载语言模型：{error}", err=True)
        raise typer.Exit(2) from error
    if jsonl is not None:
        _parse_jsonl(parser, jsonl, settings.timezone)
        return
    try:
        moment = _now(now, settings.timezone)
    except ValueError as error:
        raise typer.BadParameter(f"--now: {error}") from error
    result = parser.parse(text, moment).to_dict()
    if as_json:
        _dump(result)
    else:
        from rich import print_json

        print_json(data=result, ensure_ascii=False)


def train(
    config: Path | None = typer.Option(None, help="Pipeline (default: config.yml)."),
    force: bool = typer.Option(False, help="Train even if the current model is up to date."),
) -> None:
    """Train the NLU model (skipped when the model for the current data already exists)."""
    from nlu.training import ensure_model
    from nlu.training import train as train_model

    settings = get_settings()
    configure_logging(settings.log_level)
    path = train_model(settings, config) if force else ensure_model(settings, config)
    typer.echo(str(path))


def register(app: typer.Typer) -> None:
    app.command()(parse)
    app.command()(train)
