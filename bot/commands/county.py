"""`taizhang county`: the county roll-up of the towns' ledgers (docx draft, JSON or xlsx)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from bot.commands.chinese import h
from bot.logs import configure_logging
from bot.settings import get_settings


class CountyFormat(str, Enum):
    docx = "docx"
    json = "json"
    xlsx = "xlsx"


def county(
    year: int | None = typer.Option(None, help=h("county.year")),
    fmt: CountyFormat = typer.Option(CountyFormat.docx, "--format", help=h("county.format")),
    output: Path | None = typer.Option(None, "-o", "--output", help=h("county.output")),
    db: list[str] = typer.Option([], "--db", help=h("county.db")),
    sqlite: list[Path] = typer.Option([], "--sqlite", help=h("county.sqlite")),
    name: str | None = typer.Option(None, "--name", help=h("county.name")),
    as_of: str | None = typer.Option(None, "--as-of", help=h("county.as_of")),
) -> None:
    """Roll the towns' ledgers up into one county view."""
    from bot.commands.report import _default_year, draft_day
    from bot.reports.county import CountyError, build_county, county_phrases, ledgers

    settings = get_settings()
    configure_logging("WARNING")
    day = draft_day(as_of, settings.timezone)
    phrases = county_phrases()
    try:
        path, view = build_county(
            year or _default_year(day),
            fmt.value,
            output,
            sources=ledgers(db, sqlite),
            county=name,
            as_of=day,
            settings=settings,
        )
    except CountyError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    except Exception as error:  # a broken ledger or an unwritable path: say so plainly
        typer.echo(phrases.say("cli", "failed", error=error), err=True)
        raise typer.Exit(1) from error
    names = phrases.get("list_separator").join(t.name for t in view.towns)
    typer.echo(phrases.say("cli", "towns", towns=len(view.towns), names=names))
    typer.echo(phrases.say("cli", "written", path=path))


def register(app: typer.Typer) -> None:
    app.command("county", help=h("county.help"))(county)
