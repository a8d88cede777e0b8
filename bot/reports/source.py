"""Filling ReportData from the ledger, only through bot.storage.aggregate.

The chat summaries read the same aggregation, so a figure in chat and in the report can
never differ: this module adds no query of its own, it only regroups what `summarise`
returns (per-activity totals, record counts, and every active fact with its message).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.reports.chat_words import is_chatty
from bot.reports.checks import running_total_mismatches
from bot.reports.highlights import by_message
from bot.reports.model import Evidence, Highlight, Metric, ReportData, SectionData
from bot.reports.places import cited_places
from bot.storage import aggregate
from bot.storage.activities import standing
from bot.storage.units import is_money, normalise
from nlu.catalogue import catalogue, in_section
from nlu.catalogue import rank as catalogue_rank
from nlu.sections import section_by_id, sections


def section_titles() -> dict[str, str]:
    """Section id -> report title (纲要 wording), in the fixed report order."""
    return {s.id: s.title for s in sections()}


def activity_rank(section_id: str, activity: str) -> int:
    """The activity's place in the catalogue (data/lexicon/activities.yml), else in
    data/sections.yml, new activities last: figures are named in this order, so 参学人数
    follows the study it counts instead of opening the sentence."""
    catalogued = catalogue_rank(section_id, activity)
    if catalogued is not None:
        return catalogued
    section = section_by_id(section_id)
    if section is None:
        return 0
    names = [a.name for a in section.activities]
    offset = len(in_section(section_id))
    return offset + (names.index(activity) if activity in names else len(names))


def stated_names(session: Session) -> set[str]:
    """Activity names a report may state: the catalogue's, the taxonomy's (ledgers kept before
    the catalogue use them) and every name a person chose by merging or renaming. A name the
    parser made up for uncatalogued work waits for that review (`taizhang activities`)."""
    names = {a.name for a in catalogue()} | {a.name for s in sections() for a in s.activities}
    # a name holding chat words ("都调成了") is not stated however it came to stand
    return {name for name in names | set(standing(session).values()) if not is_chatty(name)}


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _evidence_key(item: aggregate.Highlight) -> tuple[str, str, str]:
    """(section, activity, summing unit): the figure a fact counts towards."""
    return item.section, item.activity, normalise(item.value, item.unit)[1]


def stated_unit(summing_unit: str, written: Counter[str] | None) -> str:
    """The unit a figure is stated in: the measure word its facts were written in most
    ("化解矛盾纠纷24起", "开展法治宣传活动50场次"), where it counts the same as the summing unit
    (起 and 件 are summed together); money, rates and scaled units keep the summing unit."""
    if not written or is_money(summing_unit) or summing_unit == "%":
        return summing_unit
    same = [(n, u) for u, n in written.items() if normalise(1, u) == (1, summing_unit)]
    if not same:
        return summing_unit
    return max(same, key=lambda pair: (pair[0], pair[1] == summing_unit))[1]


def _metrics(
    totals: list[aggregate.Total],
    facts: list[aggregate.Highlight],
    with_evidence: bool,
    written: dict[tuple[str, str, str], Counter[str]] | None = None,
) -> list[Metric]:
    """The figures of `totals`, stated in the units `written` counts (from the ledger's cube;
    else from `facts`), with the facts behind each when `with_evidence`."""
    behind: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    if written is None:
        written = defaultdict(Counter)
        for item in facts:
            written[_evidence_key(item)][item.unit] += 1
    if with_evidence:
        for item in facts:
            behind[_evidence_key(item)].append(
                Evidence(
                    date=item.date,
                    value=item.value,
                    unit=item.unit,
                    text=item.text,
                    person=item.sender,
                    place=item.place,
                    sent_at=item.sent_at,
                )
            )
    ordered = sorted(
        totals,
        key=lambda t: (t.is_stock, t.is_rate, activity_rank(t.section, t.activity or ""), t.unit),
    )
    return [
        Metric(
            label=t.activity or "",
            value=Decimal(t.value),
            unit=stated_unit(t.unit, written.get((t.section, t.activity or "", t.unit))),
            records=t.records,
            evidence=tuple(behind.get((t.section, t.activity or "", t.unit), ())),
            is_stock=t.is_stock,
            sums_in=t.unit,
        )
        for t in ordered
    ]


def _highlight(item: aggregate.Highlight, shared: bool, place: str | None) -> Highlight:
    return Highlight(
        date=item.date,
        text=item.text,
        label=item.activity,
        value=item.value,
        unit=item.unit,
        place=place,
        person=item.sender,
        shared=shared,
        is_stock=item.is_stock,
    )


def load_report_data(
    session: Session,
    town_id: int,
    town_name: str,
    year: int,
    as_of: date,
    *,
    with_evidence: bool = False,
    comparable_months: int = 1,
    min_confidence: float = 0.0,
    figures_only: bool = False,
    with_previous: bool | None = None,
) -> ReportData:
    """One town's year in section order, and the year before when the ledger holds it: that
    is, records in at least `comparable_months` of its months (else rises and falls would
    compare a year with a few days). With `figures_only`, the same figures without what only
    the prose needs (highlights, running-total checks) and, unless `with_previous`, without
    the year before: the county view (no year before) and the dashboard (with it)."""
    if with_previous is None:
        with_previous = not figures_only
    start, end = year_range(year)
    summary = aggregate.summarise(
        session, town_id, start, end, highlights_per_section=0 if figures_only else None
    )
    previous = []
    previous_records: dict[str, int] = {}
    if with_previous:  # one read of the year before: its records, and its figures if whole
        before = aggregate.cube(session, town_id, *year_range(year - 1))
        previous_records = before.records_per_section()
        if before.months_with_records() >= comparable_months:
            previous = before.totals(by_activity=True)
    previous_by_section: dict[str, list[aggregate.Total]] = defaultdict(list)
    for total in previous:
        previous_by_section[total.section].append(total)

    written = summary.cube.written_units() if summary.cube is not None else None
    stated = stated_names(session)
    unreviewed: list[tuple[str, Metric]] = []
    for section_id, totals in summary.activity_totals.items():
        new = [t for t in totals if t.activity not in stated]
        facts = [f for f in summary.highlights.get(section_id, []) if f.activity not in stated]
        unreviewed += [(section_id, m) for m in _metrics(new, facts, False, written)]
        summary.activity_totals[section_id] = [t for t in totals if t.activity in stated]
        summary.highlights[section_id] = [
            f for f in summary.highlights.get(section_id, []) if f.activity in stated
        ]
    sections_of_message: dict[str, set[str]] = defaultdict(set)
    for section_id, items in summary.highlights.items():
        for item in items:
            sections_of_message[item.text].add(section_id)
    places = cited_places(
        (item.place, item.text)
        for items in summary.highlights.values()
        for item in items
        if item.place
    )
    sections = []
    for section_id, title in section_titles().items():
        facts = summary.highlights.get(section_id, [])
        old = previous_by_section.get(section_id)
        sections.append(
            SectionData(
                id=section_id,
                title=title,
                metrics=_metrics(
                    summary.activity_totals.get(section_id, []), facts, with_evidence, written
                ),
                highlights=by_message(
                    [
                        _highlight(
                            item, len(sections_of_message[item.text]) > 1, places.get(item.place)
                        )
                        for item in facts
                    ],
                    section_id,
                ),
                records=summary.records.get(section_id, 0),
                previous=_metrics(old or [], [], False) if previous else None,
                previous_records=previous_records.get(section_id, 0) if with_previous else None,
            )
        )
    checks = []
    if not figures_only:
        checks = running_total_mismatches(
            session, town_id, start, end, min_confidence=min_confidence
        )
    by_month = summary.cube.monthly() if summary.cube is not None else []
    return ReportData(
        town=town_name,
        year=year,
        sections=sections,
        as_of=as_of,
        checks=checks,
        by_month=by_month,
        unreviewed=unreviewed,
    )
