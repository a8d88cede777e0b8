"""The figures of the town page, read through the report's own code.

Totals per section and activity are `report_data` (bot.reports: as the draft and the county
roll-up read a town) shaped by the JSON report's `fact_dict`, so the page and `taizhang
report --format json` cannot differ;
the heat map, the quarter's uncovered sections and last year's records are regroupings of
the same read (bot.storage.aggregate's cube). Only the drill-down lists facts itself,
through aggregate.highlights.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.reports import report_data
from bot.reports.json_writer import fact_dict, shown_value
from bot.reports.model import Metric, SectionData
from bot.reports.source import stated_unit, year_range
from bot.storage import aggregate
from bot.storage.models import Town
from bot.storage.units import display, normalise, plain
from nlu.sections import section_by_id

MONTHS = tuple(range(1, 13))


def short_title(section_id: str) -> str:
    section = section_by_id(section_id)
    return section.short_title if section is not None else section_id


@dataclass(frozen=True)
class DrillKey:
    """What a drill-down lists: the facts of one section (and activity and summing unit, for
    a figure; or one month, for a heat-map cell) in one year."""

    section: str
    activity: str | None = None
    unit: str | None = None
    month: int | None = None

    def query(self, year: int) -> dict[str, Any]:
        """The link's query string, without empty parts."""
        items = {"year": year, "section": self.section, "activity": self.activity}
        items.update(unit=self.unit, month=self.month)
        return {k: v for k, v in items.items() if v is not None}


def _previous_figure(section: SectionData, metric: Metric) -> dict[str, Any] | None:
    """Last year's figure of the same activity and unit, shown as the report shows it."""
    for old in section.previous or ():
        if old.label == metric.label and (old.sums_in or old.unit) == (
            metric.sums_in or metric.unit
        ):
            value, unit = shown_value(old)
            return {"value": value, "unit": unit, "records": old.records}
    return None


def _section_view(section: SectionData, previous_records: int, year: int) -> dict[str, Any]:
    facts = []
    for metric in section.metrics:
        fact = fact_dict(metric)
        fact["previous"] = _previous_figure(section, metric)
        summing_unit = metric.sums_in or metric.unit
        fact["drill"] = DrillKey(section.id, metric.label, summing_unit).query(year)
        facts.append(fact)
    return {
        "id": section.id,
        "title": section.title,
        "short": short_title(section.id),
        "records": section.records,
        "previous_records": previous_records,
        "facts": facts,
        "drill": DrillKey(section.id).query(year),
    }


def heat_map(figures: list[aggregate.MonthFigure], year: int, order: list[str]) -> list[dict]:
    """One cell per section and month with its records and its summed figures ('12件')."""
    cells: dict[tuple[str, int], dict[str, Any]] = {}
    for item in figures:
        cell = cells.setdefault(
            (item.section, item.month),
            {"section": item.section, "month": item.month, "records": 0, "figures": []},
        )
        cell["records"] += item.records
        if item.text is not None:
            cell["figures"].append(item.text)
        else:
            cell["stated"] = cell.get("stated", 0) + item.records
    result = []
    for section in order:
        for month in MONTHS:
            cell = cells.get((section, month))
            if cell is None:
                cell = {"section": section, "month": month, "records": 0, "figures": []}
            cell["drill"] = DrillKey(section, month=month).query(year)
            result.append(cell)
    return result


def quarter_of(year: int, today: date) -> tuple[int, date, date]:
    """The quarter to check for gaps: today's in the current year, else the year's last."""
    day = today if today.year == year else date(year, 12, 31)
    start, end = aggregate.period_range("quarter", day)
    return (start.month - 1) // 3 + 1, start, end


def town_view(session: Session, town: Town, year: int, today: date) -> dict[str, Any]:
    """Everything the town page shows, as plain JSON-ready data: one read of the town's
    year and of the year before (report_data), regrouped here."""
    data = report_data(session, town, year, as_of=today, figures_only=True, previous=True)
    sections = [_section_view(s, s.previous_records or 0, year) for s in data.sections]
    titles = {s.id: s.title for s in data.sections}
    quarter, q_start, q_end = quarter_of(year, today)
    by_month = aggregate.month_records(data.by_month)
    quarter_months = range(q_start.month, q_end.month + 1)
    uncovered = [s for s in titles if not any(by_month.get(s, {}).get(m) for m in quarter_months)]
    return {
        "town": {"id": int(town.id), "name": str(town.name)},
        "year": year,
        "as_of": today.isoformat(),
        "records": sum(s["records"] for s in sections),
        "previous_records": sum(s["previous_records"] for s in sections),
        "sections": sections,
        "heat_map": heat_map(data.by_month, year, list(titles)),
        "quarter": {
            "number": quarter,
            "start": q_start.isoformat(),
            "end": q_end.isoformat(),
            "future": q_start > today,
            "uncovered": [{"id": s, "title": titles[s]} for s in uncovered],
        },
    }


def drill_down(
    session: Session, town_id: int, year: int, key: DrillKey, limit: int
) -> dict[str, Any]:
    """The facts behind a figure or a cell, each with its date, person and original text
    (the first `limit`, in date order; `total` says how many there are)."""
    start, end = year_range(year)
    if key.month is not None:
        start = date(year, key.month, 1)
        end = aggregate.period_range("month", start)[1]
    only = aggregate.Narrowing(activity=key.activity)
    found = aggregate.highlights(
        session, town_id, start, end, section=key.section, per_section=None, only=only
    ).get(key.section, [])
    if key.unit is not None:  # the figure's summing unit, as the report groups evidence
        found = [item for item in found if normalise(item.value, item.unit)[1] == key.unit]
    rows = [
        {
            "date": item.date.isoformat(),
            "person": item.sender,
            "text": item.text,
            "activity": item.activity,
            "value": f"{plain(item.value)}{item.unit}",
            "place": item.place or "",
        }
        for item in found[:limit]
    ]
    return {"total": len(found), "shown": len(rows), "sum": _sum(found, key), "rows": rows}


def _sum(found: list[aggregate.Highlight], key: DrillKey) -> str | None:
    """For a summed figure (a count or an amount), the sum of all its facts as the page
    writes it ('297件', '6.617万元'); None for a rate, a stock or a mixed list."""
    if key.activity is None or key.unit is None or not found:
        return None
    if any(item.is_stock or item.unit == aggregate.RATE_UNIT for item in found):
        return None
    total = sum((normalise(item.value, item.unit)[0] for item in found), Decimal(0))
    return display(total, stated_unit(key.unit, Counter(item.unit for item in found)))
