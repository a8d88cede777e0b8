"""The cube (one grouped read of a town's range) regroups to exactly what the separate
queries of bot.storage.aggregate give: totals per activity and per section, records per
section, months with records, records per month; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from bot.reports.sample import populate_year
from bot.storage import aggregate
from bot.storage.models import Fact, FactRole, FactStatus
from bot.storage.registry import find_town


def test_the_cube_gives_the_figures_of_the_separate_queries(session_factory):
    with session_factory() as session:
        populate_year(session, "白岩镇", 2024, 400)
        session.flush()
        town = find_town(session, "白岩镇")
        stock = session.execute(select(Fact).where(Fact.status == FactStatus.ACTIVE)).scalars()
        for fact in list(stock)[:3]:  # a few standing numbers too
            fact.role = FactRole.STOCK
        session.commit()
        ranges = [(date(2024, 1, 1), date(2024, 12, 31)), (date(2024, 3, 10), date(2024, 5, 20))]
        for start, end in ranges:
            cube = aggregate.cube(session, town.id, start, end)
            for by_activity in (True, False):
                expected = aggregate.totals(session, town.id, start, end, by_activity=by_activity)
                assert cube.totals(by_activity=by_activity) == expected
            if (start, end) == ranges[0]:  # the year holds rates and stocks: not summed
                assert any(t.is_rate for t in cube.stated) and any(t.is_stock for t in cube.stated)
            assert cube.records_per_section() == aggregate.records_per_section(
                session, town.id, start, end
            )
            days = session.execute(
                select(Fact.fact_date, Fact.section).where(
                    Fact.town_id == town.id,
                    Fact.status == FactStatus.ACTIVE,
                    Fact.fact_date >= start,
                    Fact.fact_date <= end,
                )
            ).all()
            assert cube.months_with_records() == len({(d.year, d.month) for d, _ in days})
            per_month = Counter((section, d.month) for d, section in days)
            assert {
                (section, month): n
                for section, months in cube.records_by_month().items()
                for month, n in months.items()
            } == dict(per_month)
            assert sum(m.records for m in cube.monthly()) == len(days)
