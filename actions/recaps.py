"""A summary of work the ledger already holds ("上周小结：调处纠纷3件…", "一季度法治工作小结…"):
its figures are running totals, not new work.

Whether a summary repeats what the group posted or reports work never posted cannot be read
from its words alone; a clerk looks at the ledger. So does this step: a figure is a recap when
the message names a stretch of days (nlu.periods, the words of data/query.yml) and the ledger
already holds, in that stretch, at least two records of the figure's section and summing unit
that add up to exactly the figure. One earlier record is no summary ("本周又调解1件" after one
posted mediation is new work). A recap is kept on the message as a running total, checked
like any quoted total and never added; every other figure of the message is logged as usual.

The other way round, a summary the classifier takes for chatter or a quoted total ("本周小结：
调解纠纷3件，普法宣传2场" never posted day by day) would lose work if only its words were
read. `unposted_of` finds the running totals over a named stretch of days in a section of
which the ledger holds no record at all in that stretch (in any unit: a total of 4期 beside
four trainings posted as 次 is no unposted work): nothing of it was posted, so it is proposed
as new work dated on the stretch's first day. The dispatcher asks the sender before logging it; an
imported history, where nobody can answer, logs it marked unsure for a check.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy.orm import Session

from bot.storage.aggregate import records_in, summed_records
from bot.storage.units import RATE_UNITS, normalise, to_decimal
from nlu.periods import Period, find_period
from nlu.result import ParseResult

# A summary repeats several posts; one earlier record equal to the figure is a coincidence.
MIN_RECORDS = 2


def _stretch(text: str, today: date) -> tuple[Period, date] | None:
    """The stretch of days the message names and its last day so far; None for one day or
    none (a summary covers several days)."""
    period = find_period(text, today)
    if period is None or period.start >= min(period.end, today):
        return None
    return period, min(period.end, today)


def recap_of(
    session: Session, town_id: int, text: str, result: ParseResult, today: date
) -> tuple[ParseResult, str] | None:
    """The reading with the repeated figures made running totals, and the period's label; None
    when the message names no stretch of days or repeats nothing of the ledger."""
    if result.intent != "log_activity" or not result.work:
        return None
    stretch = _stretch(text, today)
    if stretch is None:
        return None
    period, end = stretch
    facts, repeated = [], False
    for fact in result.facts:
        if fact.role == "new":
            value, unit = normalise(to_decimal(fact.value), fact.unit)
            count, held = summed_records(session, town_id, period.start, end, fact.section, unit)
            if count >= MIN_RECORDS and held == value:
                fact = dataclasses.replace(fact, role="running_total", date=end)
                repeated = True
        facts.append(fact)
    if not repeated:
        return None
    return dataclasses.replace(result, facts=facts), period.label


def unposted_of(
    session: Session, town_id: int, text: str, result: ParseResult, today: date
) -> tuple[ParseResult, str] | None:
    """The reading with the quoted totals the ledger holds nothing of made new work (and the
    intent a work report), and the period's label; None when there are none."""
    if result.intent not in ("out_of_scope", "log_activity"):
        return None
    if not any(fact.role == "running_total" for fact in result.facts):
        return None
    stretch = _stretch(text, today)
    if stretch is None:
        return None
    period, end = stretch
    facts, unposted = [], False
    for fact in result.facts:
        quoted = fact.role == "running_total" and fact.unit not in RATE_UNITS
        if quoted and not records_in(session, town_id, period.start, end, fact.section):
            fact = dataclasses.replace(fact, role="new", date=period.start)
            unposted = True
        facts.append(fact)
    if not unposted:
        return None
    return dataclasses.replace(result, intent="log_activity", facts=facts), period.label
