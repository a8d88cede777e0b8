"""The county roll-up: the towns side by side and a county summary, from the towns' ledgers.

Each town is read exactly as its own report reads it (`bot.reports.report_data`, through
bot.storage.aggregate), so a town's column carries its report JSON's figures unchanged; the
county summary only adds those figures up. The ledgers may be one database holding several
towns (PostgreSQL or SQLite), several towns' SQLite files, or both.

Use (the web dashboard's county page calls the same)::

    view = read_county([session_factory], 2024)          # or [Ledger.from_url(url), ...]
    county_dict(view)                                     # the JSON shape, see below
    write_county(view, "docx", path)                      # docx, json or xlsx

JSON: {"county", "year", "as_of", "towns": [{"town", "source", "records", "covered",
"uncovered": [section ids], "last_record", "sections": [{"id", "title", "records",
"months": [12 counts], "facts": [as in the town's report JSON]}]}], "summary": {"towns",
"records", "towns_all_covered", "lagging": [{"town", "uncovered"}], "sections": [{"id",
"title", "records", "towns_covered": [names], "towns_uncovered": [names], "facts": [{"label",
"value", "unit", "records", "kind", "towns"}]}]}}. Rates are never added up across towns;
stocks are (the sum of each town's latest value).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.paths import inside, safe_file_stem
from bot.reports import report_data
from bot.reports.figures import chinese_date
from bot.reports.json_writer import fact_dict, section_facts
from bot.reports.model import Metric, ReportData, ReportError
from bot.reports.phrasebook import Phrasebook, load_phrasebook
from bot.reports.source import activity_rank, section_titles, year_range
from bot.settings import Settings, get_settings
from bot.storage import aggregate
from taizhang.resources import data_file

log = logging.getLogger(__name__)

COUNTY_PHRASES = data_file("report", "county.yml")
FORMATS = {"docx": ".docx", "json": ".json", "xlsx": ".xlsx"}
MONTHS = tuple(range(1, 13))
READ_CONNECTIONS = 4


class CountyError(ReportError):
    """A roll-up request that cannot be met; the message is Chinese, for whoever asked."""


@lru_cache(maxsize=1)
def county_phrases() -> Phrasebook:
    return load_phrasebook(COUNTY_PHRASES)


def _say(*path: str, **values: Any) -> str:
    return county_phrases().say(*path, **values)


@dataclass(frozen=True)
class Ledger:
    """One database to read towns from; `label` names it in the output and in errors."""

    url: str
    label: str

    @classmethod
    def from_url(cls, url: str) -> Ledger:
        return cls(url, make_url(url).render_as_string(hide_password=True))

    @classmethod
    def from_sqlite(cls, path: Path | str) -> Ledger:
        """A town's SQLite file; it must exist (a typo must not create an empty ledger)."""
        file = Path(path).expanduser()
        if not file.is_file():
            raise CountyError(_say("errors", "no_file", path=path))
        return cls(f"sqlite:///{file.resolve()}", file.name)


# A ledger to read: a Ledger, or an open session factory (the web app passes its own).
Source = Ledger | Callable[[], Session]


@dataclass
class TownColumn:
    """One town's year: its report data and the coverage by month behind the heat map."""

    data: ReportData
    source: str
    months: dict[str, dict[int, int]]  # section -> month -> records
    last_record: date | None

    @property
    def name(self) -> str:
        return self.data.town

    @property
    def records(self) -> int:
        return sum(s.records for s in self.data.sections)

    @property
    def uncovered(self) -> list[str]:
        return [s.id for s in self.data.sections if not s.has_records]

    @property
    def covered(self) -> int:
        return sum(1 for s in self.data.sections if s.has_records)


@dataclass
class CountySection:
    """One section across the county: who has records, and the towns' figures added up."""

    id: str
    title: str
    records: int
    towns_covered: list[str]
    towns_uncovered: list[str]
    figures: list[tuple[Metric, int]] = field(default_factory=list)  # (sum, towns with it)


@dataclass
class CountyView:
    """The county for one year: every town (in the order read) and the summary."""

    county: str
    year: int
    as_of: date
    towns: list[TownColumn]

    @property
    def records(self) -> int:
        return sum(t.records for t in self.towns)

    @property
    def lagging(self) -> list[TownColumn]:
        """Towns with a section that has no record this year."""
        return [t for t in self.towns if t.uncovered]

    def sections(self) -> list[CountySection]:
        result = []
        for section_id, title in section_titles().items():
            covered, uncovered, records = [], [], 0
            sums: dict[tuple[str, str, bool], tuple[Decimal, int, int]] = {}
            for town in self.towns:
                section = town.data.section(section_id)
                if section is None or not section.has_records:
                    uncovered.append(town.name)
                    continue
                covered.append(town.name)
                records += section.records
                for metric in section.metrics:
                    if metric.is_rate:  # a rate of one town plus another's is no rate
                        continue
                    key = (metric.label, metric.unit, metric.is_stock)
                    value, count, towns = sums.get(key, (Decimal(0), 0, 0))
                    sums[key] = (value + metric.value, count + metric.records, towns + 1)
            ordered = sorted(
                sums.items(),
                key=lambda item: (item[0][2], activity_rank(section_id, item[0][0]), item[0][1]),
            )
            figures = [
                (Metric(label, value, unit, records=count, is_stock=stock), towns)
                for (label, unit, stock), (value, count, towns) in ordered
            ]
            result.append(CountySection(section_id, title, records, covered, uncovered, figures))
        return result


# ---- reading ---------------------------------------------------------------------------


def ledgers(db_urls: Iterable[str] = (), sqlite_files: Iterable[Path | str] = ()) -> list[Ledger]:
    """The ledgers named on the command line, databases first."""
    return [Ledger.from_url(u) for u in db_urls] + [Ledger.from_sqlite(f) for f in sqlite_files]


def _today(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.timezone)).date()


def read_town(
    session: Session, town: Any, year: int, as_of: date, source: str, settings: Settings
) -> TownColumn:
    """One town as its own report reads it, plus its records per section and month."""
    data = report_data(session, town, year, as_of=as_of, settings=settings, figures_only=True)
    start, end = year_range(year)
    return TownColumn(
        data=data,
        source=source,
        months=aggregate.month_records(data.by_month),
        last_record=aggregate.last_record_date(session, town.id, start, end),
    )


def _read_ledger(
    factory: Callable[[], Session],
    label: str,
    year: int,
    as_of: date,
    settings: Settings,
    only: set[str] | None,
) -> list[TownColumn]:
    from bot.storage.models import Town
    from bot.storage.registry import list_towns

    with factory() as session:
        ids = [t.id for t in list_towns(session) if only is None or t.name in only]

    def read(town_id: int) -> TownColumn:
        with factory() as session:
            town = session.get(Town, town_id)
            return read_town(session, town, year, as_of, label, settings)

    # A few connections: the database groups some towns' years while Python regroups
    # another's (20 towns of 1,000,000 facts on 2 cores: 1.4 s one town after the other,
    # 0.9 s on four connections; bench/bench_web.py).
    with ThreadPoolExecutor(max_workers=READ_CONNECTIONS) as pool:
        return list(pool.map(read, ids))


def _open(ledger: Ledger) -> tuple[Callable[[], Session], Callable[[], None]]:
    """A session factory on an up-to-date schema (as every command opens the ledger)."""
    from bot.storage.db import make_engine, make_session_factory, migrate

    try:
        migrate(ledger.url)
        engine = make_engine(ledger.url)
    except Exception as error:
        log.error("county: ledger not readable", extra={"source": ledger.label})
        raise CountyError(_say("errors", "not_ledger", source=ledger.label, error=error)) from error
    return make_session_factory(engine), engine.dispose


def read_county(
    sources: Sequence[Source],
    year: int,
    *,
    as_of: date | None = None,
    county: str | None = None,
    towns: Iterable[str] | None = None,
    settings: Settings | None = None,
) -> CountyView:
    """Every town of every source (or only `towns`, by name) for `year`, as of `as_of`.

    A town found in two sources is an error: adding both would count its work twice."""
    settings = settings or get_settings()
    as_of = as_of or _today(settings)
    only = set(towns) if towns is not None else None
    columns: list[TownColumn] = []
    for source in sources:
        if isinstance(source, Ledger):
            factory, close = _open(source)
            try:
                columns += _read_ledger(factory, source.label, year, as_of, settings, only)
            finally:
                close()
        else:
            columns += _read_ledger(source, "", year, as_of, settings, only)
    seen: dict[str, str] = {}
    for column in columns:
        if column.name in seen:
            raise CountyError(
                _say(
                    "errors",
                    "same_town",
                    town=column.name,
                    first=seen[column.name],
                    second=column.source,
                )
            )
        seen[column.name] = column.source
    if not columns:
        raise CountyError(_say("errors", "no_towns"))
    name = county or county_phrases().get("default_county")
    return CountyView(county=name, year=year, as_of=as_of, towns=columns)


# ---- the JSON form ---------------------------------------------------------------------


def month_counts(column: TownColumn, section_id: str) -> list[int]:
    by_month = column.months.get(section_id, {})
    return [by_month.get(month, 0) for month in MONTHS]


def town_dict(column: TownColumn) -> dict[str, Any]:
    return {
        "town": column.name,
        "source": column.source,
        "records": column.records,
        "covered": column.covered,
        "uncovered": column.uncovered,
        "last_record": column.last_record.isoformat() if column.last_record else None,
        "sections": [
            {
                "id": section.id,
                "title": section.title,
                "records": section.records,
                "months": month_counts(column, section.id),
                "facts": section_facts(section),
            }
            for section in column.data.sections
        ],
    }


def county_dict(view: CountyView) -> dict[str, Any]:
    """The roll-up as data: the towns side by side and the county summary."""
    sections = view.sections()
    return {
        "county": view.county,
        "year": view.year,
        "as_of": view.as_of.isoformat(),
        "towns": [town_dict(column) for column in view.towns],
        "summary": {
            "towns": len(view.towns),
            "records": view.records,
            "towns_all_covered": sum(1 for t in view.towns if not t.uncovered),
            "lagging": [{"town": t.name, "uncovered": t.uncovered} for t in view.lagging],
            "sections": [
                {
                    "id": s.id,
                    "title": s.title,
                    "records": s.records,
                    "towns_covered": s.towns_covered,
                    "towns_uncovered": s.towns_uncovered,
                    "facts": [{**fact_dict(m), "towns": n} for m, n in s.figures],
                }
                for s in sections
            ],
        },
    }


# ---- writing ---------------------------------------------------------------------------


def county_title(view: CountyView) -> str:
    return _say("title", county=view.county, year=view.year)


def default_path(settings: Settings, view: CountyView, fmt: str) -> Path:
    """<data_dir>/reports/<title>.<ext>, like the town drafts."""
    stem = safe_file_stem(county_title(view), "county")
    return inside(settings.data_dir / "reports", stem + FORMATS[fmt])


def write_county(view: CountyView, fmt: str, path: Path) -> Path:
    """Write the roll-up as .docx (the summary draft), .json or .xlsx (a sheet per view)."""
    if fmt not in FORMATS:
        raise CountyError(_say("errors", "bad_format", fmt=fmt))
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        import json

        text = json.dumps(county_dict(view), ensure_ascii=False, indent=2)
        path.write_text(text + "\n", encoding="utf-8")
        return path
    if fmt == "xlsx":
        from bot.reports.county_xlsx import write_county_xlsx

        return write_county_xlsx(view, path)
    from bot.reports.county_draft import compose_county
    from bot.reports.docx_writer import write_blocks

    return write_blocks(county_title(view), compose_county(view), path)


def build_county(
    year: int,
    fmt: str = "docx",
    out_path: Path | str | None = None,
    *,
    sources: Sequence[Source] | None = None,
    county: str | None = None,
    as_of: date | None = None,
    settings: Settings | None = None,
) -> tuple[Path, CountyView]:
    """Read the county (default source: the configured ledger) and write it in `fmt`."""
    settings = settings or get_settings()
    if fmt not in FORMATS:
        raise CountyError(_say("errors", "bad_format", fmt=fmt))
    if not sources:
        sources = [Ledger.from_url(settings.effective_database_url)]
    view = read_county(sources, year, as_of=as_of, county=county, settings=settings)
    path = Path(out_path) if out_path else default_path(settings, view, fmt)
    return write_county(view, fmt, path), view


def chinese_day(day: date | None) -> str:
    return chinese_date(day) if day is not None else county_phrases().get("last_none")
