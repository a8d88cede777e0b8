"""THE aggregation of the ledger: chat progress answers and the year-end report both use it.

Everything here reads only *active* facts (superseded and retracted ones are history, not
figures) of ONE town over an inclusive date range. Rules, kept in one place so a chat
answer and the report never disagree:

- Figures are summed per unit: 件 with 件, 场 with 场. Money is summed in 元 whatever unit it
  was written in (元, 万元, …) and shown in 万元 once it reaches 10,000 元 (Decimal, exact).
- Rates (%) and stocks (facts with role stock, or of an activity the catalogue counts as a
  stock: "覆盖9个社区", "聘请法律顾问3名", "建成法治文化长廊2条") are never summed: the figure
  is the latest value stated in the range, per activity and unit.
- A stated zero ("今年没有出台规范性文件" stored as 0件) is a figure like any other.
- Each figure carries `records`, the number of ledger facts behind it.

Typical use (inside a `with session_factory() as session:` block)::

    start, end = period_range("year", date(2024, 12, 31))
    summary = summarise(session, town_id, start, end)
    summary.section_totals["disputes"]   # [Total(section='disputes', unit='件', value=…)]
    summary.uncovered                     # ['rules', 'digital']
    summary.highlights["publicity"]       # [Highlight(text='昨天在白岩村…', …)]
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal, NamedTuple

from sqlalchemy import Integer, case, func, not_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from bot.storage.models import Fact, FactRole, FactStatus, Message, Person
from bot.storage.units import display, is_money, normalise, plain, to_decimal
from nlu.catalogue import stock_names
from nlu.sections import section_ids

# The twelve report sections in report order, as the taxonomy (data/sections.yml) defines them.
SECTION_IDS: tuple[str, ...] = section_ids()

RATE_UNIT = "%"
Period = Literal["year", "quarter", "month", "week"]
Kind = Literal["count", "amount", "stock", "rate"]


def is_stock_fact(role: str, activity: str) -> bool:
    """A standing number, stated rather than summed: the parser read it so (role stock), or the
    catalogue counts its activity as a stock (data/lexicon/activities.yml, kind stock)."""
    return role == FactRole.STOCK or activity in stock_names()


def stated_clause(catalogue_stocks: Collection[str] | None = None):
    """SQL for a rate or a stock (never summed): `is_stock_fact` and the rate unit, in the
    database. Read per query, so a catalogue edit counts from the next report on.

    `catalogue_stocks` narrows the catalogue's stock activities to those a caller knows are
    present (empty: none); without the activity list the partial index ix_facts_stated
    answers the query alone."""
    names = stock_names() if catalogue_stocks is None else catalogue_stocks
    rate_or_stock = or_(Fact.unit_normalised == RATE_UNIT, Fact.role == FactRole.STOCK)
    if not names:
        return rate_or_stock
    return or_(rate_or_stock, Fact.activity.in_(sorted(names)))


def figure_kind(unit: str, is_stock: bool) -> Kind:
    """count and amount are summed; stock and rate are the latest value stated."""
    if unit == RATE_UNIT:
        return "rate"
    if is_stock:
        return "stock"
    return "amount" if is_money(unit) else "count"


@dataclass(frozen=True)
class Total:
    """One figure: a sum in `unit` (or, for a rate or a stock, the latest stated value)."""

    section: str
    activity: str | None  # None: every activity of the section in this unit
    unit: str  # summing unit: 元 for all money, % for rates, else as written
    value: Decimal
    records: int  # ledger facts behind this figure
    is_rate: bool = False
    as_of: date | None = None  # for a rate or a stock: the date of the value shown
    is_stock: bool = False

    @property
    def kind(self) -> Kind:
        return figure_kind(self.unit, self.is_stock)

    @property
    def text(self) -> str:
        """For people: '12件', '6.677万元', '98.5%'."""
        return display(self.value, self.unit)


@dataclass(frozen=True)
class Highlight:
    """One fact with where it came from, for the report's concrete examples."""

    fact_id: int
    section: str
    activity: str
    value: Decimal
    unit: str  # as written
    date: date
    place: str | None
    text: str  # the original message
    sender: str  # display name
    sent_at: datetime
    role: str = FactRole.NEW  # stock: a standing number, not work to add up

    @property
    def is_stock(self) -> bool:
        return is_stock_fact(self.role, self.activity)

    @property
    def value_text(self) -> str:
        return f"{plain(self.value)}{self.unit}"


@dataclass
class LedgerSummary:
    """Everything the report (or a long chat summary) needs about one town and range."""

    town_id: int
    start: date
    end: date
    section_totals: dict[str, list[Total]] = field(default_factory=dict)
    activity_totals: dict[str, list[Total]] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)  # facts per section
    uncovered: list[str] = field(default_factory=list)
    highlights: dict[str, list[Highlight]] = field(default_factory=dict)
    cube: LedgerCube | None = None  # what the figures above were regrouped from

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


def period_range(period: str | None, today: date) -> tuple[date, date]:
    """The calendar period containing `today` (weeks run Monday to Sunday); None = year."""
    if period == "week":
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        start = today.replace(day=1)
        next_month = (start + timedelta(days=32)).replace(day=1)
        return start, next_month - timedelta(days=1)
    if period == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = date(today.year, first_month, 1)
        next_quarter = (start + timedelta(days=95)).replace(day=1)
        return start, next_quarter - timedelta(days=1)
    return date(today.year, 1, 1), date(today.year, 12, 31)


@dataclass(frozen=True)
class Narrowing:
    """What a chat question narrows the figures to beyond a section: one activity, one
    person's records, one place (a place matches facts whose place contains it)."""

    activity: str | None = None
    person_id: int | None = None
    place: str | None = None


def _active_in_range(
    town_id: int, start: date, end: date, section: str | None, only: Narrowing | None = None
):
    conditions = [
        Fact.town_id == town_id,
        Fact.status == FactStatus.ACTIVE,
        Fact.fact_date >= start,
        Fact.fact_date <= end,
    ]
    if section is not None:
        conditions.append(Fact.section == section)
    if only is not None and only.activity is not None:
        conditions.append(Fact.activity == only.activity)
    if only is not None and only.person_id is not None:
        conditions.append(Fact.person_id == only.person_id)
    if only is not None and only.place:
        conditions.append(Fact.place.contains(only.place, autoescape=True))
    return conditions


def _sort_key(total: Total) -> tuple:
    order = SECTION_IDS.index(total.section) if total.section in SECTION_IDS else len(SECTION_IDS)
    stated = (total.is_stock, total.is_rate)
    return (order, total.section, stated, -total.records, total.activity or "", total.unit)


def totals(
    session: Session,
    town_id: int,
    start: date,
    end: date,
    *,
    section: str | None = None,
    by_activity: bool = True,
    only: Narrowing | None = None,
) -> list[Total]:
    """Figures for one town over [start, end], per section and unit (and per activity when
    `by_activity`), in report order; rates and stocks are always per activity and never
    summed."""
    conditions = _active_in_range(town_id, start, end, section, only)
    group = [Fact.section, Fact.unit_normalised]
    if by_activity:
        group.insert(1, Fact.activity)
    rows = session.execute(
        select(*group, func.sum(Fact.value_normalised), func.count(Fact.id))
        .where(*conditions, not_(stated_clause()))
        .group_by(*group)
    ).all()
    result = []
    for row in rows:
        if by_activity:
            sec, activity, unit, amount, count = row
        else:
            (sec, unit, amount, count), activity = row, None
        result.append(Total(sec, activity, unit, Decimal(amount), int(count)))
    result.extend(_latest_stated(session, conditions))
    return sorted(result, key=_sort_key)


def _latest_stated(
    session: Session, conditions: list, catalogue_stocks: Collection[str] | None = None
) -> list[Total]:
    """Rates and stocks per (section, activity, unit): the most recently dated value, later
    messages winning ties. A stock restated through the year is one figure, not a sum.
    The database ranks them, so only one row per figure comes back (a town's year may
    state a rate hundreds of times)."""
    group = (Fact.section, Fact.activity, Fact.unit_normalised)
    newest_first = (Fact.fact_date.desc(), Message.sent_at.desc(), Fact.id.desc())
    ranked = (
        select(
            *group,
            Fact.value_normalised.label("value"),
            Fact.fact_date.label("day"),
            func.row_number().over(partition_by=group, order_by=newest_first).label("rank"),
            func.count().over(partition_by=group).label("records"),
        )
        .join(Message, Message.id == Fact.message_id)
        .where(*conditions, stated_clause(catalogue_stocks))
        .subquery()
    )
    rows = session.execute(
        select(
            ranked.c.section,
            ranked.c.activity,
            ranked.c.unit_normalised,
            ranked.c.value,
            ranked.c.day,
            ranked.c.records,
        ).where(ranked.c.rank == 1)
    ).all()
    return [
        Total(
            sec,
            activity,
            unit,
            Decimal(amount),
            int(records),
            is_rate=unit == RATE_UNIT,
            as_of=day,
            is_stock=unit != RATE_UNIT,
        )
        for sec, activity, unit, amount, day, records in rows
    ]


def records_per_section(session: Session, town_id: int, start: date, end: date) -> dict[str, int]:
    """How many active facts each section has in the range (sections with none are absent)."""
    rows = session.execute(
        select(Fact.section, func.count(Fact.id))
        .where(*_active_in_range(town_id, start, end, None))
        .group_by(Fact.section)
    ).all()
    return {sec: int(count) for sec, count in rows}


def months_with_records(session: Session, town_id: int, start: date, end: date) -> int:
    """In how many calendar months of the range the town logged any active fact: a year
    whose ledger holds a week of December is not a year to compare with."""
    return cube(session, town_id, start, end).months_with_records()


def records_by_month(
    session: Session, town_id: int, start: date, end: date
) -> dict[str, dict[int, int]]:
    """Active facts per section and calendar month of the range ({section: {month: n}}):
    the coverage heat map (section x month) of the group picture and the county view."""
    return cube(session, town_id, start, end).records_by_month()


def last_record_date(session: Session, town_id: int, start: date, end: date) -> date | None:
    """The date of the town's latest active fact in the range (None: nothing recorded)."""
    return session.execute(
        select(func.max(Fact.fact_date)).where(*_active_in_range(town_id, start, end, None))
    ).scalar_one_or_none()


def uncovered_sections(
    session: Session,
    town_id: int,
    start: date,
    end: date,
    sections: Sequence[str] = SECTION_IDS,
) -> list[str]:
    """The sections (in the given order) with no active fact in the range."""
    covered = set(records_per_section(session, town_id, start, end))
    return [sec for sec in sections if sec not in covered]


def highlights(
    session: Session,
    town_id: int,
    start: date,
    end: date,
    *,
    section: str | None = None,
    per_section: int | None = 5,
    order: Literal["chronological", "latest"] = "chronological",
    only: Narrowing | None = None,
) -> dict[str, list[Highlight]]:
    """Active facts with their original message, sender, date and place, per section.

    `per_section` caps each list (None: all); with order="latest" the newest are kept.
    """
    newest_first = order == "latest"
    sort = (Fact.fact_date.desc(), Fact.id.desc()) if newest_first else (Fact.fact_date, Fact.id)
    query = (
        select(Fact, Message.text, Message.sent_at, Person.display_name)
        .join(Message, Message.id == Fact.message_id)
        .join(Person, Person.id == Fact.person_id)
        .order_by(Fact.section, *sort)
    )
    if per_section is None:
        query = query.where(*_active_in_range(town_id, start, end, section, only))
    else:  # rank inside the database: a year of a town is thousands of facts
        ranked = (
            select(
                Fact.id.label("fact_id"),
                func.row_number().over(partition_by=Fact.section, order_by=sort).label("rank"),
            )
            .where(*_active_in_range(town_id, start, end, section, only))
            .subquery()
        )
        query = query.join(ranked, ranked.c.fact_id == Fact.id).where(ranked.c.rank <= per_section)
    rows = session.execute(query).all()
    result: dict[str, list[Highlight]] = defaultdict(list)
    for fact, text, sent_at, sender in rows:
        result[fact.section].append(
            Highlight(
                fact_id=fact.id,
                section=fact.section,
                activity=fact.activity,
                value=Decimal(fact.value),
                unit=fact.unit,
                date=fact.fact_date,
                place=fact.place,
                text=text,
                sender=sender,
                sent_at=sent_at,
                role=fact.role,
            )
        )
    return dict(result)


def daily_sums(
    session: Session, town_id: int, start: date, end: date, section: str
) -> list[tuple[str, str, date, Decimal]]:
    """(activity, summing unit, day, sum) of the section's summed facts (no rates, no stocks)
    per day: what a period-to-date figure is added up from."""
    rows = session.execute(
        select(Fact.activity, Fact.unit_normalised, Fact.fact_date, func.sum(Fact.value_normalised))
        .where(
            *_active_in_range(town_id, start, end, section),
            not_(stated_clause()),
        )
        .group_by(Fact.activity, Fact.unit_normalised, Fact.fact_date)
    ).all()
    return [(activity, unit, day, Decimal(amount)) for activity, unit, day, amount in rows]


def summed_records(
    session: Session, town_id: int, start: date, end: date, section: str, unit: str
) -> tuple[int, Decimal]:
    """How many summed records (no rates, no stocks) of the section in one summing unit the
    range holds, and their sum: what a summary of the range would repeat."""
    count, amount = session.execute(
        select(func.count(Fact.id), func.sum(Fact.value_normalised)).where(
            *_active_in_range(town_id, start, end, section),
            Fact.unit_normalised == unit,
            not_(stated_clause()),
        )
    ).one()
    return int(count), Decimal(amount or 0)


def records_in(session: Session, town_id: int, start: date, end: date, section: str) -> int:
    """How many active records of the section, in any unit, the range holds."""
    return int(
        session.execute(
            select(func.count(Fact.id)).where(*_active_in_range(town_id, start, end, section))
        ).scalar_one()
    )


@dataclass(frozen=True)
class QuotedTotal:
    """A running total quoted in chat ("今年已调解纠纷34件"): the parser marks it, the ledger
    never adds it; it is kept on its message and read back here to be checked."""

    section: str
    activity: str
    value: Decimal  # in the summing unit
    unit: str  # summing unit
    date: date
    sender: str
    text: str


def quoted_totals(
    session: Session, town_id: int, start: date, end: date, *, min_confidence: float
) -> list[QuotedTotal]:
    """Running totals (not rates) dated in [start, end] in the town's understood messages."""
    rows = session.execute(
        select(Message.parse_json, Message.text, Person.display_name)
        .join(Person, Person.id == Message.person_id)
        .where(
            Person.town_id == town_id,
            Message.intent == "log_activity",
            Message.confidence >= min_confidence,
            Message.parse_json.like('%"running_total"%'),
        )
        .order_by(Message.sent_at, Message.id)
    ).all()
    result = []
    for parse_json, text, sender in rows:
        for quoted in quoted_in(json.loads(parse_json).get("facts") or [], sender, text):
            if start <= quoted.date <= end:
                result.append(quoted)
    return result


def quoted_in(facts: Iterable[dict], sender: str, text: str) -> list[QuotedTotal]:
    """The running totals (not rates) among a message's parsed facts (their stored dicts)."""
    result = []
    for fact in facts:
        if fact.get("role") != "running_total":
            continue
        value, unit = normalise(to_decimal(fact["value"]), fact["unit"])
        if unit != RATE_UNIT:
            day = date.fromisoformat(fact["date"])
            result.append(
                QuotedTotal(fact["section"], fact["activity"], value, unit, day, sender, text)
            )
    return result


def summarise(
    session: Session,
    town_id: int,
    start: date,
    end: date,
    *,
    sections: Iterable[str] = SECTION_IDS,
    highlights_per_section: int | None = 5,
) -> LedgerSummary:
    """Totals per section and per activity, record counts, uncovered sections and
    highlights for one town over [start, end] — the input of the year-end report."""
    sections = tuple(sections)
    summary = LedgerSummary(town_id=town_id, start=start, end=end)
    summary.cube = cube(session, town_id, start, end)
    for total in summary.cube.totals(by_activity=False):
        summary.section_totals.setdefault(total.section, []).append(total)
    for total in summary.cube.totals(by_activity=True):
        summary.activity_totals.setdefault(total.section, []).append(total)
    summary.records = summary.cube.records_per_section()
    summary.uncovered = [sec for sec in sections if sec not in summary.records]
    if highlights_per_section != 0:  # 0: figures only (the county view reads no prose)
        summary.highlights = highlights(
            session, town_id, start, end, per_section=highlights_per_section
        )
    return summary


# ---- the cube: one grouped read from which a range's figures are regrouped ----------------


@dataclass(frozen=True)
class MonthFigure:
    """One section's month in one summing unit: the facts behind it and, for work that is
    summed, their sum (rates and stocks are stated, not summed: `value` is None)."""

    section: str
    month: int
    unit: str
    value: Decimal | None
    records: int

    @property
    def text(self) -> str | None:
        return None if self.value is None else display(self.value, self.unit)


class CubeCell(NamedTuple):
    """Active facts of one section, activity, summing unit and calendar month (a tuple: a
    county reads tens of thousands of them)."""

    section: str
    activity: str
    unit: str
    year: int
    month: int
    stated: bool  # a rate or a stock: counted, never summed
    value: Decimal
    records: int
    written: str = ""  # the measure word as written (起 for a 件 figure): the report states it


class month_key(FunctionElement):
    """A date's year and month as one integer (202405), in each database's own cheap way
    (PostgreSQL's EXTRACT returns numeric, slow to group by)."""

    type = Integer()
    name = "month_key"
    inherit_cache = True


@compiles(month_key)
def _month_key_sqlite(element, compiler, **kw) -> str:
    return f"CAST(strftime('%Y%m', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(month_key, "postgresql")
def _month_key_postgresql(element, compiler, **kw) -> str:
    day = compiler.process(element.clauses, **kw)
    return f"CAST(date_part('year', {day}) * 100 + date_part('month', {day}) AS INTEGER)"


@dataclass
class LedgerCube:
    """One town's active facts over a range, grouped once by section, activity, summing unit
    and month, with the latest value of every rate and stock. A page or a report needs many
    regroupings of the same facts (per activity, per section, per month, records per
    section); each used to be a scan of the town's year, and at a county's million facts the
    scans were the time. The regroupings follow `totals`' rules exactly."""

    cells: list[CubeCell]
    stated: list[Total]

    def totals(self, by_activity: bool = True) -> list[Total]:
        """As `totals(...)` over the same range, without narrowing."""
        sums: dict[tuple[str, str | None, str], tuple[Decimal, int]] = {}
        for cell in self.cells:
            if cell.stated:
                continue
            key = (cell.section, cell.activity if by_activity else None, cell.unit)
            value, records = sums.get(key, (Decimal(0), 0))
            sums[key] = (value + cell.value, records + cell.records)
        result = [
            Total(sec, activity, unit, value, records)
            for (sec, activity, unit), (value, records) in sums.items()
        ]
        return sorted(result + self.stated, key=_sort_key)

    def written_units(self) -> dict[tuple[str, str, str], Counter[str]]:
        """(section, activity, summing unit) -> how many facts were written in each unit, so a
        figure is stated in the unit the town writes ("化解矛盾纠纷24起")."""
        result: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
        for cell in self.cells:
            result[(cell.section, cell.activity, cell.unit)][cell.written or cell.unit] += (
                cell.records
            )
        return dict(result)

    def records_per_section(self) -> dict[str, int]:
        result: dict[str, int] = defaultdict(int)
        for cell in self.cells:
            result[cell.section] += cell.records
        return dict(result)

    def months_with_records(self) -> int:
        return len({(cell.year, cell.month) for cell in self.cells if cell.records})

    def monthly(self) -> list[MonthFigure]:
        """Per section, month and unit: records, and the sum of the summed facts."""
        merged: dict[tuple[str, int, str, bool], tuple[Decimal, int]] = {}
        for cell in self.cells:
            key = (cell.section, cell.month, cell.unit, cell.stated)
            value, records = merged.get(key, (Decimal(0), 0))
            merged[key] = (value + cell.value, records + cell.records)
        return [
            MonthFigure(sec, month, unit, None if stated else value, records)
            for (sec, month, unit, stated), (value, records) in merged.items()
        ]

    def records_by_month(self) -> dict[str, dict[int, int]]:
        return month_records(self.monthly())


def month_records(figures: Iterable[MonthFigure]) -> dict[str, dict[int, int]]:
    """{section: {month: records}} of monthly figures."""
    result: dict[str, dict[int, int]] = defaultdict(dict)
    for item in figures:
        result[item.section][item.month] = result[item.section].get(item.month, 0) + item.records
    return dict(result)


def cube(session: Session, town_id: int, start: date, end: date) -> LedgerCube:
    """The town's active facts over [start, end] in one grouped query (and one for the
    latest rates and stocks)."""
    conditions = _active_in_range(town_id, start, end, None)
    # The catalogue's stocks are marked here from the grouped activity, not in SQL: a list of
    # names in the query costs every row a comparison and keeps the latest-value query off its
    # partial index (the county page of 20 towns: 0.57 s -> 0.98 s).
    stated = case((stated_clause(()), 1), else_=0)
    group = (
        Fact.section,
        Fact.activity,
        Fact.unit_normalised,
        month_key(Fact.fact_date),
        stated,
        Fact.unit,
    )
    rows = session.execute(
        # count(*), not count(id): the covering index ix_facts_cube then answers alone
        select(*group, func.sum(Fact.value_normalised), func.count())
        .where(*conditions)
        .group_by(*group)
    ).all()
    stocks = stock_names()
    cells = [
        CubeCell(
            sec,
            activity,
            unit,
            key // 100,
            key % 100,
            bool(is_stated) or activity in stocks,
            amount,
            n,
            written,
        )
        for sec, activity, unit, key, is_stated, written, amount, n in rows
    ]
    present = {cell.activity for cell in cells if cell.activity in stocks}
    return LedgerCube(cells, _latest_stated(session, conditions, present))
