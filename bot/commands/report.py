"""`taizhang report`: the annual 法治政府建设情况报告 draft as .docx, Markdown or JSON."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from pathlib import Path
from zoneinfo import ZoneInfo

import typer

from actions import replies
from bot.commands.chinese import h, say
from bot.logs import configure_logging
from bot.settings import get_settings


class ReportFormat(str, Enum):
    docx = "docx"
    md = "md"
    json = "json"


def _say(key: str, **values) -> str:
    from bot.reports.phrasebook import load_phrasebook

    return load_phrasebook().say("cli", key, **values)


def _default_year(today: date) -> int:
    """Reports go up in the first quarter for the year before: Jan–Mar -> last year."""
    return today.year - 1 if today.month <= 3 else today.year


def draft_day(as_of: str | None, timezone: str) -> date:
    """The --as-of date of a draft (default: today where the bot runs)."""
    try:
        return date.fromisoformat(as_of) if as_of else datetime.now(ZoneInfo(timezone)).date()
    except ValueError as error:
        raise typer.BadParameter(say("bad_date", value=as_of), param_hint="--as-of") from error


def _only_town(session_factory) -> str:
    from bot.storage.registry import list_towns

    with session_factory() as session:
        names = [t.name for t in list_towns(session)]
    if len(names) == 1:
        return names[0]
    if not names:
        raise typer.BadParameter(_say("no_towns"), param_hint="--town")
    raise typer.BadParameter(_say("choose_town", towns="、".join(names)), param_hint="--town")


def _has_records(factory, town_name: str, year: int) -> bool:
    from bot.storage.aggregate import records_per_section
    from bot.storage.registry import find_town

    with factory() as session:
        town = find_town(session, town_name.strip())
        start, end = date(year, 1, 1), date(year, 12, 31)
        return town is not None and bool(records_per_section(session, town.id, start, end))


def report(
    year: int | None = typer.Option(None, help=h("report.year")),
    town: str | None = typer.Option(None, help=h("report.town")),
    fmt: ReportFormat = typer.Option(ReportFormat.docx, "--format", help=h("report.format")),
    output: Path | None = typer.Option(None, "-o", "--output", help=h("report.output")),
    evidence: bool = typer.Option(False, "--evidence", help=h("report.evidence")),
    as_of: str | None = typer.Option(None, "--as-of", help=h("report.as_of")),
) -> None:
    """Draft 《XX镇YYYY年法治政府建设情况报告》 from the ledger."""
    from bot.reports import ReportError, build_report
    from bot.reports.evidence import evidence_path
    from bot.storage import open_ledger

    settings = get_settings()
    configure_logging("WARNING")
    day = draft_day(as_of, settings.timezone)
    year = year or _default_year(day)
    try:
        factory = open_ledger(settings)
        name = town or _only_town(factory)
        path = build_report(
            factory,
            name,
            year,
            fmt.value,
            output,
            evidence,
            settings=settings,
            as_of=day,
        )
    except ReportError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    except typer.BadParameter:
        raise
    except Exception as error:  # a broken ledger or an unwritable path: say so plainly
        typer.echo(_say("failed", error=error), err=True)
        raise typer.Exit(1) from error
    typer.echo(_say("written", path=path))
    if not _has_records(factory, name, year):  # written for its layout; say it holds nothing
        typer.echo(replies.text("report.no_records_cli", town=name.strip(), year=year), err=True)
    if evidence:
        typer.echo(_say("evidence_written", path=evidence_path(path)))


def register(app: typer.Typer) -> None:
    app.command("report", help=h("report.help"))(report)
