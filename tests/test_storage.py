"""Storage: the migration equals the models, SQLite runs in WAL, and aggregate.py's rules."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from actions.log import store_facts
from bot.storage import aggregate, make_engine
from bot.storage.models import Base, Fact, FactStatus, Message
from bot.storage.registry import add_person, bind_room, get_or_create_town
from bot.storage.units import display, normalise
from nlu.result import Fact as ParsedFact

SENT = datetime(2024, 5, 16, 2, 30, tzinfo=timezone.utc)


def add_message(session, town, room, person, text_, facts, *, sent=SENT, mid=None):
    message = Message(
        channel="test",
        channel_message_id=mid or f"{text_}-{sent.isoformat()}",
        channel_room_id=room.channel_room_id,
        channel_sender_id=person.channel_person_id,
        room_id=room.id,
        person_id=person.id,
        sent_at=sent,
        text=text_,
        status="logged",
    )
    session.add(message)
    session.flush()
    parsed = [ParsedFact(*f) for f in facts]
    return message, store_facts(session, message, parsed, person=person, town=town, room=room)


@pytest.fixture
def town_setup(session_factory):
    """Two towns with one room and one person each."""
    with session_factory() as session:
        a = get_or_create_town(session, "白岩镇")
        b = get_or_create_town(session, "青山镇")
        room_a = bind_room(session, "test", "a", a)
        room_b = bind_room(session, "test", "b", b)
        zhang = add_person(session, "test", "zhang", a, display_name="张三")
        wang = add_person(session, "test", "wang", b, display_name="王五")
        session.commit()
        return (a, room_a, zhang), (b, room_b, wang)


def test_migration_matches_models(db_url):
    import bot.storage.schedule_models  # noqa: F401  (registers the scheduler's tables on Base)

    engine = make_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
    assert (tmp_path / "sub").is_dir()


def test_channel_message_id_is_unique(session_factory, town_setup):
    (town, room, person), _ = town_setup
    with session_factory() as session:
        add_message(session, town, room, person, "x", [], mid="same")
        session.commit()
    with session_factory() as session, pytest.raises(IntegrityError):
        add_message(session, town, room, person, "y", [], mid="same")
        session.commit()


def test_times_come_back_aware_and_equal(session_factory, town_setup):
    (town, room, person), _ = town_setup
    local = datetime.fromisoformat("2024-05-16T10:30:00+08:00")
    with session_factory() as session:
        message, _ = add_message(session, town, room, person, "t", [], sent=local)
        session.commit()
        row_id = message.id
    with session_factory() as session:
        stored = session.get(Message, row_id).sent_at
    assert stored.tzinfo is not None and stored == local


def test_units_normalise_money_and_keep_rates():
    assert normalise(6.177, "万元") == (Decimal("61770.000"), "元")
    assert normalise(5000, "元") == (Decimal(5000), "元")
    assert normalise(98.5, "%") == (Decimal("98.5"), "%")
    assert normalise(3, "件") == (Decimal(3), "件")
    assert display(Decimal("66770"), "元") == "6.677万元"
    assert display(Decimal("9999.5"), "元") == "9999.5元"
    assert display(Decimal("12.000000"), "件") == "12件"


def test_totals_sum_per_unit_money_exactly_and_only_active(session_factory, town_setup):
    (town, room, person), _ = town_setup
    day = date(2024, 5, 16)
    with session_factory() as session:
        add_message(
            session, town, room, person, "调解3件", [("disputes", "调解矛盾纠纷", 3, "件", day)]
        )
        add_message(
            session, town, room, person, "调解4件", [("disputes", "调解矛盾纠纷", 4, "件", day)]
        )
        _, dropped = add_message(
            session, town, room, person, "调解9件", [("disputes", "调解矛盾纠纷", 9, "件", day)]
        )
        dropped[0].status = FactStatus.RETRACTED
        add_message(
            session,
            town,
            room,
            person,
            "投入6.177万元，又5000元，0.1元",
            [
                ("functions", "投入资金", 6.177, "万元", day),
                ("functions", "投入资金", 5000, "元", day),
                ("functions", "投入资金", 0.1, "元", day),
            ],
        )
        session.commit()
    with session_factory() as session:
        figures = aggregate.totals(
            session, town.id, date(2024, 1, 1), date(2024, 12, 31), by_activity=False
        )
    by_section = {(t.section, t.unit): t for t in figures}
    assert by_section[("disputes", "件")].value == 7
    assert by_section[("disputes", "件")].records == 2
    money = by_section[("functions", "元")]
    assert money.value == Decimal("66770.1") and money.records == 3
    assert money.text == "6.67701万元"
    assert [t.section for t in figures] == ["functions", "disputes"]  # report order


def test_synonyms_sum_together_also_for_facts_stored_before(
    db_url, settings, session_factory, town_setup
):
    """纠纷3起 and 4件 total 7件; migration 0003 brings older rows (summed as 起) in line."""
    from alembic import command

    from bot.storage.db import alembic_config, migrate

    (town, room, person), _ = town_setup
    day = date(2024, 5, 16)
    with session_factory() as session:
        add_message(
            session, town, room, person, "调处3起", [("disputes", "调解矛盾纠纷", 3, "起", day)]
        )
        add_message(
            session, town, room, person, "调解4件", [("disputes", "调解矛盾纠纷", 4, "件", day)]
        )
        add_message(session, town, room, person, "参加12名", [("study", "参学人数", 12, "名", day)])
        session.commit()

    def figures() -> dict[tuple[str, str], Decimal]:
        with session_factory() as session:
            rows = aggregate.totals(session, town.id, date(2024, 1, 1), date(2024, 12, 31))
        return {(t.activity, t.unit): t.value for t in rows}

    merged = {("调解矛盾纠纷", "件"): Decimal(7), ("参学人数", "人"): Decimal(12)}
    assert figures() == merged
    try:
        command.downgrade(alembic_config(db_url), "0002")  # rows as an older version wrote them
        with session_factory() as session:  # the schema of 0002: no role column to filter on
            summed = session.execute(
                text(
                    "SELECT activity, unit_normalised, SUM(value_normalised) FROM facts"
                    " GROUP BY activity, unit_normalised"
                )
            ).all()
        assert {(a, u): Decimal(str(v)) for a, u, v in summed} == {
            ("调解矛盾纠纷", "起"): 3,
            ("调解矛盾纠纷", "件"): 4,
            ("参学人数", "名"): 12,
        }
    finally:
        migrate(db_url)
    assert figures() == merged
    with session_factory() as session:  # the written word is kept
        units = session.execute(select(Fact.unit).order_by(Fact.id)).scalars().all()
    assert units == ["起", "件", "名"]


def test_rates_are_never_summed_latest_wins(session_factory, town_setup):
    (town, room, person), _ = town_setup
    with session_factory() as session:
        for value, day in ((96, date(2024, 3, 1)), (99, date(2024, 9, 1)), (97, date(2024, 6, 1))):
            add_message(
                session,
                town,
                room,
                person,
                f"成功率{value}%",
                [("disputes", "调解成功率", value, "%", day)],
            )
        session.commit()
    with session_factory() as session:
        (rate,) = aggregate.totals(session, town.id, date(2024, 1, 1), date(2024, 12, 31))
        (early,) = aggregate.totals(session, town.id, date(2024, 1, 1), date(2024, 6, 30))
    assert (
        rate.is_rate and rate.value == 99 and rate.records == 3 and rate.as_of == date(2024, 9, 1)
    )
    assert early.value == 97 and early.text == "97%"


def test_range_town_and_section_filters(session_factory, town_setup):
    (a, room_a, zhang), (b, room_b, wang) = town_setup
    with session_factory() as session:
        add_message(
            session, a, room_a, zhang, "a1", [("disputes", "调解", 1, "件", date(2024, 1, 1))]
        )
        add_message(
            session, a, room_a, zhang, "a2", [("disputes", "调解", 2, "件", date(2024, 12, 31))]
        )
        add_message(
            session, a, room_a, zhang, "a3", [("disputes", "调解", 50, "件", date(2023, 12, 31))]
        )
        add_message(
            session, a, room_a, zhang, "a4", [("publicity", "宣传", 2, "场", date(2024, 6, 1))]
        )
        add_message(
            session, b, room_b, wang, "b1", [("disputes", "调解", 100, "件", date(2024, 5, 1))]
        )
        session.commit()
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    with session_factory() as session:
        only_disputes = aggregate.totals(session, a.id, start, end, section="disputes")
        uncovered = aggregate.uncovered_sections(session, a.id, start, end)
        records = aggregate.records_per_section(session, a.id, start, end)
        other = aggregate.totals(session, b.id, start, end)
    assert [(t.section, t.value) for t in only_disputes] == [("disputes", 3)]
    assert "disputes" not in uncovered and "publicity" not in uncovered
    assert len(uncovered) == 10 and uncovered[0] == "study"
    assert records == {"disputes": 2, "publicity": 1}
    assert [(t.section, t.value) for t in other] == [("disputes", 100)]


def test_highlights_carry_original_text_sender_place(session_factory, town_setup):
    (town, room, person), _ = town_setup
    with session_factory() as session:
        for n in range(1, 8):
            add_message(
                session,
                town,
                room,
                person,
                f"在白岩村开展普法宣传{n}场",
                [("publicity", "普法宣传", n, "场", date(2024, 5, n), "白岩村")],
            )
        session.commit()
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    with session_factory() as session:
        first = aggregate.highlights(session, town.id, start, end, per_section=3)
        latest = aggregate.highlights(session, town.id, start, end, per_section=2, order="latest")
        summary = aggregate.summarise(session, town.id, start, end, highlights_per_section=None)
    picks = first["publicity"]
    assert [h.date.day for h in picks] == [1, 2, 3]
    assert picks[0].text == "在白岩村开展普法宣传1场" and picks[0].sender == "张三"
    assert picks[0].place == "白岩村" and picks[0].value_text == "1场"
    assert [h.date.day for h in latest["publicity"]] == [7, 6]
    assert summary.section_totals["publicity"][0].value == 28
    assert summary.records == {"publicity": 7} and summary.total_records == 7
    assert len(summary.highlights["publicity"]) == 7
    assert len(summary.uncovered) == 11


def test_period_range():
    today = date(2024, 5, 16)  # a Thursday
    assert aggregate.period_range("week", today) == (date(2024, 5, 13), date(2024, 5, 19))
    assert aggregate.period_range("month", today) == (date(2024, 5, 1), date(2024, 5, 31))
    assert aggregate.period_range("quarter", today) == (date(2024, 4, 1), date(2024, 6, 30))
    assert aggregate.period_range("quarter", date(2024, 12, 31)) == (
        date(2024, 10, 1),
        date(2024, 12, 31),
    )
    assert aggregate.period_range(None, today) == (date(2024, 1, 1), date(2024, 12, 31))
    assert aggregate.period_range("month", date(2024, 2, 10))[1] == date(2024, 2, 29)


def test_stocks_are_never_summed_latest_wins(session_factory, town_setup):
    """聘请法律顾问2名, later 3名: a standing number, so the figure is 3, not 5, and it is not
    added into the section's 人 total either."""
    (town, room, person), _ = town_setup
    early, late = date(2024, 3, 1), date(2024, 9, 1)
    with session_factory() as session:
        add_message(
            session,
            town,
            room,
            person,
            "聘请法律顾问3名",
            [("legal_services", "聘请法律顾问", 3, "名", late, None, "stock")],
        )
        add_message(
            session,
            town,
            room,
            person,
            "聘请法律顾问2名，接待咨询20人",
            [
                ("legal_services", "聘请法律顾问", 2, "名", early, None, "stock"),
                ("legal_services", "接待法律咨询", 20, "人", early),
            ],
            mid="second",
        )
        session.commit()
    year = date(2024, 1, 1), date(2024, 12, 31)
    with session_factory() as session:
        stored = session.execute(select(Fact.role).order_by(Fact.id)).scalars().all()
        by_activity = aggregate.totals(session, town.id, *year)
        by_section = aggregate.totals(session, town.id, *year, by_activity=False)
    assert stored == ["stock", "stock", "new"]
    figures = {(t.activity, t.unit): (t.value, t.kind, t.records) for t in by_activity}
    assert figures == {
        ("接待法律咨询", "人"): (20, "count", 1),
        ("聘请法律顾问", "人"): (3, "stock", 2),
    }
    sections = {(t.activity, t.unit): t.value for t in by_section}
    assert sections == {(None, "人"): 20, ("聘请法律顾问", "人"): 3}


def test_an_activity_the_catalogue_counts_as_a_stock_is_never_summed(session_factory, town_setup):
    """建成法治文化长廊 is a stock in the catalogue: "1条" in May and "2条" in October are the
    latest value 2条 even when the parser read both as new work (role new), in the totals, the
    cube, the highlights and the running-total sums alike."""
    (town, room, person), _ = town_setup
    with session_factory() as session:
        for mid, (value, day) in enumerate(((1, date(2024, 5, 1)), (2, date(2024, 10, 1)))):
            add_message(
                session,
                town,
                room,
                person,
                f"法治文化长廊建成{value}条",
                [("publicity", "建成法治文化长廊", value, "条", day)],
                mid=f"corridor-{mid}",
            )
        session.commit()
    year = date(2024, 1, 1), date(2024, 12, 31)
    with session_factory() as session:
        assert set(session.execute(select(Fact.role)).scalars()) == {"new"}
        (total,) = aggregate.totals(session, town.id, *year)
        cube = aggregate.cube(session, town.id, *year).totals()
        facts = aggregate.highlights(session, town.id, *year, per_section=None)["publicity"]
        daily = aggregate.daily_sums(session, town.id, *year, "publicity")
    assert (total.value, total.kind, total.records) == (2, "stock", 2)
    assert cube == [total]
    assert all(item.is_stock for item in facts)
    assert daily == []


def test_migration_gives_stocks_stored_before_their_role(db_url, session_factory, town_setup):
    """Facts logged before the role column get it back from the parse kept on the message."""
    import json

    from alembic import command

    from bot.storage.db import alembic_config, migrate

    (town, room, person), _ = town_setup
    day = date(2024, 5, 16)
    parse = {
        "facts": [
            {"section": "publicity", "activity": "覆盖社区", "value": 9, "unit": "个",
             "date": "2024-05-16", "place": None, "role": "stock"},
            {"section": "publicity", "activity": "开展普法宣传活动", "value": 2, "unit": "场",
             "date": "2024-05-16", "place": None},
        ]
    }  # fmt: skip
    with session_factory() as session:
        message, _ = add_message(
            session,
            town,
            room,
            person,
            "普法宣传2场，覆盖9个社区",
            [
                ("publicity", "覆盖社区", 9, "个", day),
                ("publicity", "开展普法宣传活动", 2, "场", day),
            ],
        )
        message.parse_json = json.dumps(parse, ensure_ascii=False)
        session.commit()
    try:
        command.downgrade(alembic_config(db_url), "0005")  # rows as an older version wrote them
    finally:
        migrate(db_url)
    with session_factory() as session:
        roles = session.execute(select(Fact.activity, Fact.role).order_by(Fact.id)).all()
    assert [tuple(r) for r in roles] == [("覆盖社区", "stock"), ("开展普法宣传活动", "new")]
