"""Progress totals over a county-size ledger on PostgreSQL (target: <= 200 ms per query).

Loads N facts (default 1,000,000) for 20 towns over 5 years with COPY into a scratch
schema, then times the queries the chat and the report use (bot.storage.aggregate) for
random towns and periods.

    .venv/bin/python bench/bench_totals.py [--facts 1000000] [--towns 20] [--years 5] [--keep]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bot.storage import aggregate, make_engine, make_session_factory, migrate  # noqa: E402

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
ACTIVITIES = {
    "study": [("组织干部学法", "次"), ("参学人数", "人")],
    "leadership": [("专题研究法治建设", "次")],
    "functions": [("便民服务中心办件", "件")],
    "rules": [("清理行政规范性文件", "件")],
    "decisions": [("审查合同", "份")],
    "enforcement": [("开展执法检查", "次"), ("收缴罚款", "元")],
    "emergency": [("开展应急演练", "次"), ("排查安全隐患", "处")],
    "disputes": [("调解矛盾纠纷", "件"), ("调解成功率", "%")],
    "oversight": [("办理人大代表建议", "件")],
    "digital": [("网上办件", "件")],
    "publicity": [("开展普法宣传活动", "场"), ("发放宣传资料", "份"), ("普法经费", "万元")],
    "legal_services": [("解答法律咨询", "人次")],
}
SECTIONS = list(ACTIVITIES)


def copy_rows(conn, table: str, columns: str, rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    with conn.connection.cursor() as cursor:  # the raw psycopg2 connection
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)


def load(url: str, facts: int, towns: int, years: int) -> None:
    rng = random.Random(facts)
    engine = make_engine(url)
    now = datetime.now(timezone.utc).isoformat()
    first_day = date(2024 - years + 1, 1, 1)
    span = (date(2024, 12, 31) - first_day).days
    began = time.perf_counter()
    with engine.begin() as conn:
        copy_rows(
            conn, "towns", "id, name, created_at", [(t, f"镇{t}", now) for t in range(1, towns + 1)]
        )
        copy_rows(
            conn,
            "rooms",
            "id, channel, channel_room_id, town_id, mentions_only, created_at",
            [(t, "bench", f"room{t}", t, "f", now) for t in range(1, towns + 1)],
        )
        copy_rows(
            conn,
            "people",
            "id, channel, channel_person_id, display_name, town_id, role, created_at",
            [
                (p, "bench", f"p{p}", f"人员{p}", (p - 1) // 10 + 1, "staff", now)
                for p in range(1, towns * 10 + 1)
            ],
        )
        fact_id = 0
        message_id = 0
        batch = 100_000
        while fact_id < facts:
            messages, rows = [], []
            while len(rows) < batch and fact_id < facts:
                message_id += 1
                town = rng.randint(1, towns)
                person = (town - 1) * 10 + rng.randint(1, 10)
                day = first_day + timedelta(days=rng.randint(0, span))
                sent = datetime(day.year, day.month, day.day, 2, tzinfo=timezone.utc).isoformat()
                messages.append(
                    (
                        message_id,
                        "bench",
                        f"m{message_id}",
                        f"room{town}",
                        f"p{person}",
                        town,
                        person,
                        sent,
                        now,
                        "今天调解矛盾纠纷3件",
                        "f",
                        "logged",
                    )
                )
                for _ in range(rng.choice((1, 1, 2, 3))):
                    fact_id += 1
                    section = rng.choice(SECTIONS)
                    activity, unit = rng.choice(ACTIVITIES[section])
                    value = rng.randint(1, 99) if unit != "万元" else rng.randint(1, 90000) / 1000
                    normalised, base = (value * 10000, "元") if unit == "万元" else (value, unit)
                    status = (
                        "active" if rng.random() < 0.95 else rng.choice(("superseded", "retracted"))
                    )
                    rows.append(
                        (
                            fact_id,
                            message_id,
                            town,
                            town,
                            person,
                            section,
                            activity,
                            value,
                            unit,
                            normalised,
                            base,
                            day.isoformat(),
                            None,
                            status,
                            now,
                        )
                    )
            copy_rows(
                conn,
                "messages",
                "id, channel, channel_message_id, channel_room_id, channel_sender_id, room_id, "
                "person_id, sent_at, received_at, text, mentions_bot, status",
                messages,
            )
            copy_rows(
                conn,
                "facts",
                "id, message_id, town_id, room_id, person_id, section, activity, value, unit, "
                "value_normalised, unit_normalised, fact_date, place, status, created_at",
                rows,
            )
        for table in ("towns", "rooms", "people", "messages", "facts"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    engine.dispose()
    print(
        f"loaded {facts:,} facts / {message_id:,} messages in {time.perf_counter() - began:.0f} s"
    )


def timed(fn, runs: int) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, int(0.95 * len(timings)))]


def query(url: str, towns: int, runs: int) -> None:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    rng = random.Random(7)

    def pick():
        return rng.randint(1, towns), date(rng.choice((2022, 2023, 2024)), rng.randint(1, 12), 15)

    def with_session(body):
        def run():
            town, today = pick()
            with factory() as session:
                body(session, town, today)

        return run

    cases = {
        "year totals per section (chat 本年进度)": with_session(
            lambda s, t, d: aggregate.totals(
                s, t, *aggregate.period_range("year", d), by_activity=False
            )
        ),
        "year totals per activity": with_session(
            lambda s, t, d: aggregate.totals(s, t, *aggregate.period_range("year", d))
        ),
        "quarter totals, one section (普法这季度)": with_session(
            lambda s, t, d: aggregate.totals(
                s, t, *aggregate.period_range("quarter", d), section="publicity"
            )
        ),
        "month totals (本月进度)": with_session(
            lambda s, t, d: aggregate.totals(s, t, *aggregate.period_range("month", d))
        ),
        "uncovered sections, week": with_session(
            lambda s, t, d: aggregate.uncovered_sections(s, t, *aggregate.period_range("week", d))
        ),
        "year summary for the report (all of it)": with_session(
            lambda s, t, d: aggregate.summarise(s, t, *aggregate.period_range("year", d))
        ),
    }
    timed(cases["year totals per section (chat 本年进度)"], 3)  # warm the cache
    for name, fn in cases.items():
        p50, p95 = timed(fn, runs)
        print(f"{name:<44} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    engine.dispose()


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--facts", type=int, default=1_000_000)
    args.add_argument("--towns", type=int, default=20)
    args.add_argument("--years", type=int, default=5)
    args.add_argument("--runs", type=int, default=30)
    args.add_argument("--keep", action="store_true", help="keep the scratch schema")
    opts = args.parse_args()

    schema = f"bench_totals_{os.getpid()}"
    url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    admin = make_engine(POSTGRES)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        migrate(url)
        load(url, opts.facts, opts.towns, opts.years)
        query(url, opts.towns, opts.runs)
    finally:
        if not opts.keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        else:
            print(f"kept schema {schema}")
        admin.dispose()


if __name__ == "__main__":
    main()
