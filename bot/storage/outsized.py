"""New figures as large as the whole year so far: most likely a running total quoted as work.

"王书记，定了：执法检查220次" or a year-end 小结 reads like new work to the parser, but when the
ledger already holds many records of that activity and the figure is at least their sum and
far above any one of them, a clerk would stop and ask. So does the bot: a live message is
asked about, an imported one waits for review, and nothing is added without a person's word.
The thresholds live in data/plausibility.yml (`year_to_date`, read by bot.plausibility).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.activities import follow, standing
from bot.storage.models import Fact, FactRole, FactStatus
from bot.storage.units import is_rate, normalise, to_decimal
from nlu.result import Fact as ParsedFact


@dataclass(frozen=True)
class Outsized:
    """A parsed fact at least the year-to-date sum of `records` ledger facts of its kind."""

    fact: ParsedFact
    records: int
    ledger: Decimal
    unit: str


def outsized(
    session: Session,
    town_id: int,
    facts: Iterable[ParsedFact],
    *,
    min_records: int,
    over_largest: Decimal,
) -> list[Outsized]:
    """The new-work facts whose value is at least what the ledger holds for the same activity
    and unit from 1 January to the fact's day, over at least `min_records` records, and more
    than `over_largest` times the largest of those records."""
    names = standing(session)
    found = []
    for fact in facts:
        if fact.role != FactRole.NEW or is_rate(fact.unit):
            continue
        value, unit = normalise(to_decimal(fact.value), fact.unit)
        records, total, largest = _year_to_date(
            session, town_id, follow(names, fact.activity), unit, fact.date
        )
        if records >= min_records and value >= total and value > over_largest * largest:
            found.append(Outsized(fact, records, total, unit))
    return found


def _year_to_date(
    session: Session, town_id: int, activity: str, unit: str, day: date
) -> tuple[int, Decimal, Decimal]:
    """(records, their sum, the largest) of active new facts of one activity and unit."""
    row = session.execute(
        select(
            func.count(Fact.id),
            func.coalesce(func.sum(Fact.value_normalised), 0),
            func.coalesce(func.max(Fact.value_normalised), 0),
        ).where(
            Fact.town_id == town_id,
            Fact.status == FactStatus.ACTIVE,
            Fact.role == FactRole.NEW,
            Fact.activity == activity,
            Fact.unit_normalised == unit,
            Fact.fact_date >= date(day.year, 1, 1),
            Fact.fact_date <= day,
        )
    ).one()
    return int(row[0]), to_decimal(row[1]), to_decimal(row[2])
