"""The report's data: what the ledger says about one town's year, before any wording.

`ReportData` is filled from the shared aggregation (bot.storage.aggregate) by
`bot.reports.source`; compose.py turns it into text and the writers into files. Keeping the
numbers here, apart from the prose, is what lets the JSON form be checked against the
ledger and the chat summaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from bot.reports.figures import is_rate
from bot.storage.aggregate import Kind, MonthFigure, figure_kind


@dataclass(frozen=True)
class Evidence:
    """One ledger fact behind a figure, with who said it and the words they used."""

    date: date
    value: Decimal
    unit: str
    text: str  # the original chat message
    person: str | None = None
    place: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class Metric:
    """One figure of a section: a total per activity and unit, or for a stock or a rate the
    latest value stated (`kind` tells them apart, so the text never calls a stock a sum)."""

    label: str  # the activity, e.g. 调解矛盾纠纷
    value: Decimal  # money in the unit given here (元 or 万元), as the aggregation gave it
    unit: str
    records: int  # ledger facts behind the figure
    evidence: tuple[Evidence, ...] = ()
    is_stock: bool = False  # a standing number (role stock): the latest value stated
    sums_in: str = ""  # the summing unit when `unit` is the written one (24起 sums in 件)

    @property
    def is_rate(self) -> bool:
        return is_rate(self.unit)

    @property
    def kind(self) -> Kind:
        return figure_kind(self.unit, self.is_stock)

    @property
    def is_summed(self) -> bool:
        return not (self.is_rate or self.is_stock)


@dataclass(frozen=True)
class Figure:
    """One figure of a highlight: 开展普法宣传活动 2 场 (`stated`: a stock or a rate)."""

    label: str
    value: Decimal
    unit: str
    stated: bool = False


@dataclass(frozen=True)
class Highlight:
    """A concrete, dated piece of work that the prose may cite: the facts one message
    reported for one section on one day. The draft composes its sentence from `figures`,
    `place` and `topic`; `text` (the chat message) only identifies it and is never quoted."""

    date: date  # the date of the work, as the parser resolved it
    text: str  # the original chat message
    label: str = ""
    value: Decimal | None = None
    unit: str = ""
    place: str | None = None
    person: str | None = None
    shared: bool = False  # the message also reports another section's work
    is_stock: bool = False  # the fact (before grouping) is a standing number
    figures: tuple[Figure, ...] = ()
    topic: str | None = None  # 民法典, 防汛… (bot.reports.topics)


@dataclass
class SectionData:
    """One of the twelve sections for the report year (and, if known, the year before)."""

    id: str
    title: str
    metrics: list[Metric] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    records: int = 0
    previous: list[Metric] | None = None  # None: no ledger for the previous year
    previous_records: int | None = None  # the year before's facts (None: not read)

    @property
    def has_records(self) -> bool:
        return self.records > 0


@dataclass(frozen=True)
class Change:
    """A summed figure or a stock that differs from the year before by enough to matter."""

    section_id: str
    label: str
    unit: str
    previous: Decimal
    current: Decimal

    @property
    def rose(self) -> bool:
        return self.current > self.previous


@dataclass(frozen=True)
class Mismatch:
    """A running total quoted in chat that the ledger's sums do not give (bot.reports.checks)."""

    date: date
    sender: str
    section_id: str
    label: str
    unit: str
    quoted: Decimal
    ledger: Decimal  # the ledger's sum of the activity from 1 January to `date`


@dataclass(frozen=True)
class Gaps:
    """What section 三 (不足) and section 四 (安排) are drafted from."""

    uncovered: tuple[str, ...]  # section ids with no record at all
    thin: tuple[str, ...]  # section ids with little work
    falls: tuple[Change, ...]
    order: tuple[str, ...] = ()  # the report's section order

    @property
    def weak_sections(self) -> tuple[str, ...]:
        """Every section named in 三, in report order."""
        weak = {*self.uncovered, *self.thin, *(f.section_id for f in self.falls)}
        return tuple(s for s in self.order if s in weak)

    def prioritised(self, limit: int, min_falls: int = 2) -> tuple[tuple[str, ...], ...]:
        """(sections to itemise, the rest), itemised ones in report order.

        Sections with no or little work come first, but at least `min_falls` places are kept for
        sections whose figures fell, so neither kind of gap hides the other.
        """
        sparse = [s for s in self.order if s in self.uncovered or s in self.thin]
        fell = [s for s in self.order if s in {f.section_id for f in self.falls}]
        fell = [s for s in fell if s not in sparse]
        fall_slots = min(len(fell), max(min_falls, limit - len(sparse)))
        chosen = set(sparse[: max(0, limit - fall_slots)] + fell[:fall_slots])
        items = tuple(s for s in self.order if s in chosen)
        rest = tuple(s for s in self.weak_sections if s not in chosen)
        return items, rest


@dataclass
class ReportData:
    """Everything the draft needs, in the fixed section order."""

    town: str
    year: int
    sections: list[SectionData]
    as_of: date  # the date the draft is made (the signature date)
    checks: list[Mismatch] = field(default_factory=list)  # for the author, not the report
    by_month: list[MonthFigure] = field(default_factory=list)  # coverage per section and month
    # figures under names nobody stands behind yet (new, unreviewed): for the author only
    unreviewed: list[tuple[str, Metric]] = field(default_factory=list)

    def section(self, section_id: str) -> SectionData | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def changes(self, min_ratio: Decimal, min_base: Decimal) -> list[Change]:
        """Rises and falls against the previous year's ledger, per activity and unit.

        A change counts when it is at least `min_ratio` of last year's figure and one of
        the two figures reaches `min_base` (41 -> 40 or 1 -> 2 are not worth a sentence).
        Rates are left out: a rate's change is in points, not a rise in work. A figure of
        last year that has no record this year is a fall to zero; a figure new this year is
        not a rise (its work may only have been named differently last year).
        """
        result: list[Change] = []
        for section in self.sections:
            if not section.previous:
                continue
            now = {(m.label, m.sums_in or m.unit): m for m in section.metrics if not m.is_rate}
            before = {(m.label, m.sums_in or m.unit): m for m in section.previous if not m.is_rate}
            for key, old_metric in before.items():
                old = old_metric.value
                new = now[key].value if key in now else Decimal(0)
                if max(old, new) < min_base or old == 0 or abs(new - old) < old * min_ratio:
                    continue
                unit = now[key].unit if key in now else old_metric.unit  # as stated this year
                result.append(Change(section.id, key[0], unit, old, new))
        return result

    def find_gaps(
        self, little: int, changes: list[Change], fewer_is_better: frozenset[str] = frozenset()
    ) -> Gaps:
        """Sections without work; sections with little work (fewer than `little` facts and
        no figure reaching `little`: 587 便民服务事项 in two monthly reports is not little
        work, 1 合同审查 is); and the `changes` that are falls, except of figures where fewer
        is better (fewer 突发事件 or lost lawsuits is no shortcoming)."""
        uncovered = tuple(s.id for s in self.sections if not s.has_records)
        thin = tuple(
            s.id
            for s in self.sections
            if 0 < s.records < little and all(m.value < little for m in s.metrics if m.is_summed)
        )
        falls = tuple(c for c in changes if not c.rose and c.label not in fewer_is_better)
        return Gaps(uncovered, thin, falls, tuple(s.id for s in self.sections))


BlockKind = Literal["title", "heading", "body", "signature", "date"]


@dataclass(frozen=True)
class Block:
    """One paragraph of the composed draft; `lead` is an inline 楷体 sub-heading."""

    kind: BlockKind
    text: str
    lead: str = ""


@dataclass
class ComposedReport:
    """The drafted text, ready for any writer (docx, Markdown, JSON)."""

    data: ReportData
    title: str
    blocks: list[Block]
    section_texts: dict[str, str]  # per section id: the prose drafted for it


class ReportError(ValueError):
    """A report request that cannot be met (unknown town, bad year…); the message is Chinese
    and meant for the person who asked."""
