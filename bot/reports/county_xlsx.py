"""The county roll-up as a workbook: one sheet per view (towns side by side, the county
summary, every town's figures, coverage by month). Sheet names and columns are in
data/report/county.yml; numbers are the JSON's (bot.reports.county)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from bot.reports.county import CountyView, chinese_day, county_phrases, month_counts
from bot.reports.evidence import header_sheet
from bot.reports.json_writer import fact_dict, section_facts
from nlu.sections import short_titles


def _sheet(workbook: Workbook, title: str, columns: list[str], first_width: int = 24):
    return header_sheet(workbook, title, columns, (first_width, *[14] * (len(columns) - 1)))


def write_county_xlsx(view: CountyView, path: Path) -> Path:
    cfg = county_phrases().get("xlsx")
    kinds = cfg["kinds"]
    none = county_phrases().get("none")
    separator = county_phrases().get("list_separator")
    titles = {s.id: s.title for s in view.towns[0].data.sections} if view.towns else {}
    short = short_titles()  # a list of long titles reads badly: 纲要 titles hold commas
    workbook = Workbook(write_only=True)

    towns = _sheet(workbook, cfg["towns_sheet"], [cfg["towns_first_column"], *_name(view)])
    for section_id, title in titles.items():
        row = [title]
        for column in view.towns:
            section = column.data.section(section_id)
            row.append(section.records if section is not None else 0)
        towns.append(row)
    towns.append([cfg["towns_records_row"], *(t.records for t in view.towns)])
    towns.append([cfg["towns_covered_row"], *(t.covered for t in view.towns)])
    towns.append([cfg["towns_last_row"], *(chinese_day(t.last_record) for t in view.towns)])
    towns.append(
        [
            cfg["towns_uncovered_row"],
            *(separator.join(short[s] for s in t.uncovered) or none for t in view.towns),
        ]
    )

    summary = _sheet(workbook, cfg["summary_sheet"], cfg["summary_columns"])
    for section in view.sections():
        for metric, count in section.figures:
            fact = fact_dict(metric)
            summary.append(
                [
                    section.title,
                    fact["label"],
                    fact["value"],
                    fact["unit"],
                    fact["records"],
                    count,
                    kinds[fact["kind"]],
                ]
            )

    figures = _sheet(workbook, cfg["figures_sheet"], cfg["figures_columns"], 12)
    for column in view.towns:
        for section in column.data.sections:
            for fact in section_facts(section):
                figures.append(
                    [
                        column.name,
                        section.title,
                        fact["label"],
                        fact["value"],
                        fact["unit"],
                        fact["records"],
                        kinds[fact["kind"]],
                    ]
                )

    months = _sheet(workbook, cfg["months_sheet"], cfg["months_columns"], 12)
    for column in view.towns:
        for section_id, title in titles.items():
            counts = month_counts(column, section_id)
            months.append([column.name, title, *counts, sum(counts)])

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(str(path))
    return path


def _name(view: CountyView) -> list[str]:
    return [t.name for t in view.towns]
