"""The draft in its checkable form: every figure with the number of ledger records behind it.

Shape (a contract for outside checks): {"town", "year", "sections": [{"id", "title",
"facts": [{"label", "value", "unit", "records", "kind"}], "text"}]}, all twelve sections in
order, and "checks": running totals quoted in chat that the ledger's sums do not give
(bot.reports.checks; for the author, not part of the report), and "unreviewed": figures
under activity names the bot made up, left out of the sections until reviewed. Money is given
as the report shows it (6.677 万元 or 5000 元); `kind` is count or amount (summed over the
year), stock or rate (the latest value stated, never summed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.reports.figures import json_number
from bot.reports.model import ComposedReport, Metric, SectionData
from bot.storage.units import WAN, is_money


def shown_value(metric: Metric) -> tuple[Any, str]:
    """(value, unit) exactly as the text writes the figure (money of 10,000 元+ in 万元)."""
    if is_money(metric.unit) and metric.unit == "元" and abs(metric.value) >= WAN:
        return json_number(metric.value / WAN), "万元"
    return json_number(metric.value), metric.unit


def fact_dict(metric: Metric) -> dict[str, Any]:
    """One figure as the JSON gives it (the county view reuses it, so both agree)."""
    value, unit = shown_value(metric)
    return {
        "label": metric.label,
        "value": value,
        "unit": unit,
        "records": metric.records,
        "kind": metric.kind,
    }


def section_facts(section: SectionData) -> list[dict[str, Any]]:
    return [fact_dict(metric) for metric in section.metrics]


def report_dict(report: ComposedReport) -> dict[str, Any]:
    sections = []
    for section in report.data.sections:
        sections.append(
            {
                "id": section.id,
                "title": section.title,
                "facts": section_facts(section),
                "text": report.section_texts.get(section.id, ""),
            }
        )
    checks = [
        {
            "date": m.date.isoformat(),
            "sender": m.sender,
            "section": m.section_id,
            "label": m.label,
            "unit": m.unit,
            "quoted": json_number(m.quoted),
            "ledger": json_number(m.ledger),
        }
        for m in report.data.checks
    ]
    unreviewed = [
        {
            "section": section_id,
            "label": m.label,
            "value": shown_value(m)[0],
            "unit": shown_value(m)[1],
            "records": m.records,
        }
        for section_id, m in report.data.unreviewed
    ]
    return {
        "town": report.data.town,
        "year": report.data.year,
        "sections": sections,
        "checks": checks,
        "unreviewed": unreviewed,
    }


def write_json(report: ComposedReport, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report_dict(report), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    return path
