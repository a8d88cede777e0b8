"""The annual 《XX镇YYYY年法治政府建设情况报告》 draft, compiled from the ledger.

One entry point, `build_report`, used by the console command (bot/commands/report.py) and
by the chat action (actions/report.py, which passes whichever of session, settings,
town_id, town and year this signature declares).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.paths import inside, safe_file_stem
from bot.reports.compose import compose_report
from bot.reports.model import ComposedReport, ReportData, ReportError
from bot.reports.phrasebook import Phrasebook, load_phrasebook
from bot.settings import Settings, get_settings

FORMATS = {"docx": ".docx", "md": ".md", "json": ".json"}
MIN_YEAR = 2000

__all__ = [
    "FORMATS",
    "ComposedReport",
    "ReportData",
    "ReportError",
    "build_report",
    "compose_report",
    "default_path",
    "draft",
    "report_data",
    "write",
]


def _today(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.timezone)).date()


def default_path(settings: Settings, title: str, fmt: str) -> Path:
    """Drafts go to <data_dir>/reports/<title>.<ext>, named as the office would name them."""
    return inside(settings.data_dir / "reports", safe_file_stem(title, "report") + FORMATS[fmt])


def _check(fmt: str, year: int, today: date, phrases: Phrasebook) -> None:
    if fmt not in FORMATS:
        raise ReportError(phrases.say("errors", "bad_format", fmt=fmt))
    if not isinstance(year, int) or not MIN_YEAR <= year <= today.year + 1:
        raise ReportError(phrases.say("errors", "bad_year", year=year, max_year=today.year))


def _town_identity(session: Session, town: Any, town_id: int | None, phrases) -> tuple[int, str]:
    """(id, name) from a Town row, a name, or an id."""
    from bot.storage.models import Town
    from bot.storage.registry import find_town

    if town is not None and hasattr(town, "id") and hasattr(town, "name"):
        return int(town.id), str(town.name)
    if isinstance(town, str) and town.strip():
        row = find_town(session, town.strip())
        if row is None:
            raise ReportError(phrases.say("errors", "unknown_town", town=town.strip()))
        return int(row.id), str(row.name)
    if town_id is not None:
        row = session.get(Town, town_id)
        if row is not None:
            return int(row.id), str(row.name)
        raise ReportError(phrases.say("errors", "unknown_town", town=town_id))
    raise ReportError(phrases.say("errors", "no_town"))


def _session_factory(source: Any, settings: Settings):
    """A callable returning a Session, from a sessionmaker, an Engine or the settings."""
    from bot.storage.db import make_session_factory, open_ledger

    if isinstance(source, Engine):
        return make_session_factory(source)
    if isinstance(source, Settings) or source is None:
        return open_ledger(source or settings)
    if callable(source):
        return source
    raise TypeError(f"build_report: cannot open a ledger from {type(source).__name__}")


def draft(
    session: Session, town: Any, year: int, *, phrases: Phrasebook | None = None, **options: Any
) -> ComposedReport:
    """Read the ledger (through bot.storage.aggregate) and compose the draft in memory;
    `options` are report_data's (town_id, as_of, evidence, settings)."""
    phrases = phrases or load_phrasebook()
    return compose_report(report_data(session, town, year, phrases=phrases, **options), phrases)


def report_data(
    session: Session,
    town: Any,
    year: int,
    *,
    town_id: int | None = None,
    as_of: date | None = None,
    evidence: bool = False,
    settings: Settings | None = None,
    phrases: Phrasebook | None = None,
    figures_only: bool = False,
    previous: bool | None = None,
) -> ReportData:
    """One town's figures for the year exactly as its draft reads them (the county view
    calls this too, so a town's column and the town's own report cannot differ);
    `figures_only` leaves out what only the prose needs (see load_report_data), and with
    it the year before unless `previous` (the dashboard compares years, the county not)."""
    from bot.reports.source import load_report_data

    settings = settings or get_settings()
    phrases = phrases or load_phrasebook()
    as_of = as_of or _today(settings)
    _check("docx", year, as_of, phrases)
    tid, name = _town_identity(session, town, town_id, phrases)
    return load_report_data(
        session,
        tid,
        name,
        year,
        as_of,
        with_evidence=evidence,
        comparable_months=int(phrases.setting("comparable_months")),
        min_confidence=settings.confidence_threshold,
        figures_only=figures_only,
        with_previous=previous,
    )


def write(
    report: ComposedReport, fmt: str, path: Path, *, evidence: bool = False, tz: str | None = None
) -> Path:
    """Write a composed draft in one format (and, with `evidence`, the .xlsx beside it)."""
    if fmt == "docx":
        from bot.reports.docx_writer import write_docx

        written = write_docx(report, path)
    elif fmt == "md":
        from bot.reports.markdown import write_markdown

        written = write_markdown(report, path)
    else:
        from bot.reports.json_writer import write_json

        written = write_json(report, path)
    if evidence:
        from bot.reports.evidence import evidence_path, write_evidence

        write_evidence(report.data, evidence_path(written), tz=tz)
    return written


def build_report(
    source: Any = None,
    town: Any = None,
    year: int | None = None,
    fmt: str = "docx",
    out_path: Path | str | None = None,
    evidence: bool = False,
    *,
    session: Session | None = None,
    settings: Settings | None = None,
    town_id: int | None = None,
    as_of: date | None = None,
) -> Path:
    """Compile one town's year from the ledger into a draft file and return its path.

    `source` is a session factory, an Engine or a Settings (default: the process settings);
    an open `session` may be passed instead (the chat action does). `town` is a name or a
    Town row (or give `town_id`). `fmt` is docx, md or json; `out_path` defaults to
    <data_dir>/reports/<title>.<ext>. With `evidence`, a companion .xlsx lists the facts
    behind every figure. Raises ReportError (a Chinese message) for requests it cannot meet.
    """
    settings = settings or (source if isinstance(source, Settings) else None) or get_settings()
    phrases = load_phrasebook()
    as_of = as_of or _today(settings)
    if year is None:
        year = as_of.year
    _check(fmt, year, as_of, phrases)

    def run(active: Session) -> Path:
        report = draft(
            active,
            town,
            year,
            town_id=town_id,
            as_of=as_of,
            evidence=evidence,
            settings=settings,
            phrases=phrases,
        )
        path = Path(out_path) if out_path else default_path(settings, report.title, fmt)
        return write(report, fmt, path, evidence=evidence, tz=settings.timezone)

    if session is not None:
        return run(session)
    factory = _session_factory(source, settings)
    with factory() as active:
        return run(active)
