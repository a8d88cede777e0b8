"""The county summary draft: the roll-up in the official format of the town drafts.

Only the blocks are made here (bot.reports.docx_writer lays them out as it does a town's
draft); wording is in data/report/county.yml and figures are phrased as the town drafts
phrase them (bot.reports.compose.figure_phrase).
"""

from __future__ import annotations

from datetime import date

from bot.reports.compose import figure_phrase
from bot.reports.county import CountySection, CountyView, TownColumn, chinese_day, county_phrases
from bot.reports.figures import chinese_date
from bot.reports.model import Block
from bot.reports.phrasebook import load_phrasebook
from nlu.sections import short_titles

# A section is "covered by few towns" when fewer than this share of the towns have records.
FEW_TOWNS_SHARE = 0.5


def _join(items: list[str]) -> str:
    return county_phrases().get("list_separator").join(items)


def _titles(section_ids: list[str]) -> str:
    titles = short_titles()
    return _join([titles.get(s, s) for s in section_ids])


def town_paragraph(column: TownColumn, year: int) -> str:
    p = county_phrases()
    if not column.records:
        return p.say("town_empty", town=column.name, year=year)
    line = p.say(
        "town_line",
        town=column.name,
        records=column.records,
        covered=column.covered,
        last=chinese_day(column.last_record),
    )
    if column.uncovered:
        return line + p.say("town_uncovered", titles=_titles(column.uncovered))
    return line + p.say("town_all_covered")


def section_paragraph(section: CountySection) -> str:
    p = county_phrases()
    if not section.towns_covered:
        return p.say("section_empty")
    report = load_phrasebook()
    items = []
    for metric, _towns in section.figures:
        phrase = figure_phrase(report, metric)
        items.append(phrase + (p.get("stock_note") if metric.is_stock else ""))
    text = p.say("section_totals", items=report.get("totals", "separator").join(items))
    if not items:
        text = ""
    towns = p.say("section_towns", covered=len(section.towns_covered), records=section.records)
    if section.towns_uncovered:
        towns += p.say("section_towns_missing", towns=_join(section.towns_uncovered))
    return text + towns + "。"


def gaps_paragraphs(view: CountyView, sections: list[CountySection]) -> list[str]:
    p = county_phrases()
    lagging = view.lagging
    if not lagging:
        return [p.say("gaps_none")]
    result = [p.say("gaps_lagging", towns=_join([t.name for t in lagging]))]
    few = [s.id for s in sections if len(s.towns_covered) < FEW_TOWNS_SHARE * len(view.towns)]
    if few:
        result.append(p.say("gaps_sections", titles=_titles(few)))
    return result


def compose_county(view: CountyView) -> list[Block]:
    """Title, opening, the towns, the sections, the gaps, the plans and the signature."""
    p = county_phrases()
    values = {"county": view.county, "year": view.year}
    sections = view.sections()
    blocks = [Block("title", p.say("title", **values))]
    if not view.records:
        blocks.append(Block("body", p.say("opening_empty", **values)))
    else:
        covered_all = sum(1 for t in view.towns if not t.uncovered)
        coverage = p.say(
            "opening_coverage", "some" if covered_all else "none", covered_all=covered_all
        )
        opening = p.say(
            "opening", towns=len(view.towns), records=view.records, coverage=coverage, **values
        )
        if view.as_of < date(view.year, 12, 31):
            opening += p.say("opening_to_date_note", as_of=chinese_date(view.as_of, True))
        blocks.append(Block("body", opening))
    blocks.append(Block("heading", p.get("parts", "towns")))
    blocks += [Block("body", town_paragraph(t, view.year)) for t in view.towns]
    blocks.append(Block("heading", p.get("parts", "sections")))
    titles = short_titles()
    blocks += [
        Block("body", section_paragraph(s), lead=titles.get(s.id, s.title) + "。") for s in sections
    ]
    blocks.append(Block("heading", p.get("parts", "gaps")))
    blocks += [Block("body", text) for text in gaps_paragraphs(view, sections)]
    blocks.append(Block("heading", p.get("parts", "plans")))
    blocks.append(Block("body", p.get("plans_text")))
    blocks.append(Block("signature", p.say("signature", **values)))
    blocks.append(Block("date", chinese_date(view.as_of, True)))
    return blocks
