"""Running totals quoted in chat, checked against the ledger, for the author to look at.

"截至目前今年共调解纠纷34件" is never added to the ledger (the parser marks it as a running
total), but when the ledger's sum disagrees, either a report was missed or one was counted
twice; the draft says so to its author instead of choosing. A quoted total may be for the
year, quarter, month or week so far, of the activity or of its whole section, with or
without the day's own reports: it is a mismatch only when none of those sums equals it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.reports.model import Mismatch
from bot.storage import aggregate

PERIODS = ("year", "quarter", "month", "week")


def _possible_sums(
    days: list[tuple[str, str, date, Decimal]], quoted: aggregate.QuotedTotal
) -> set[Decimal]:
    """Every period-to-date sum the quoted figure may mean."""
    sums: set[Decimal] = set()
    for period in PERIODS:
        start, _ = aggregate.period_range(period, quoted.date)
        for last in (quoted.date, quoted.date - timedelta(days=1)):
            same_unit = [
                (activity, amount)
                for activity, unit, day, amount in days
                if unit == quoted.unit and start <= day <= last
            ]
            sums.add(
                sum((a for activity, a in same_unit if activity == quoted.activity), Decimal(0))
            )
            sums.add(sum((a for _, a in same_unit), Decimal(0)))
    return sums


def check_quoted(session: Session, town_id: int, quoted: aggregate.QuotedTotal) -> Mismatch | None:
    """The mismatch of one quoted running total, or None when a period-to-date sum gives it.
    The chat reply to the sender (actions/running_totals.py) and the draft's note for its
    author both come from here, so they never disagree."""
    earliest = min(aggregate.period_range(p, quoted.date)[0] for p in PERIODS)
    days = aggregate.daily_sums(session, town_id, earliest, quoted.date, quoted.section)
    if quoted.value in _possible_sums(days, quoted):
        return None
    year_start, _ = aggregate.period_range("year", quoted.date)
    ledger = sum(
        (
            amount
            for activity, unit, day, amount in days
            if activity == quoted.activity and unit == quoted.unit and day >= year_start
        ),
        Decimal(0),
    )
    q = quoted
    return Mismatch(q.date, q.sender, q.section, q.activity, q.unit, q.value, ledger)


def running_total_mismatches(
    session: Session, town_id: int, start: date, end: date, *, min_confidence: float
) -> list[Mismatch]:
    """The quoted running totals of the range that no period-to-date ledger sum equals."""
    found = (
        check_quoted(session, town_id, quoted)
        for quoted in aggregate.quoted_totals(
            session, town_id, start, end, min_confidence=min_confidence
        )
    )
    return [mismatch for mismatch in found if mismatch is not None]
