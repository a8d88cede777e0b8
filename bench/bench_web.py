"""Benchmark: the dashboard's pages, served warm, on PostgreSQL.

Targets (issue 13): the town page in at most 300 ms, and the county page of 20 towns with
1,000,000 facts in at most 1 s. The ledger is generated first inside PostgreSQL
(generate_series; 20 towns, facts over the benchmark year and the year before, 1.6 to a
message, every activity of the taxonomy and a rate, 1% superseded), then the app is served
on a local port exactly as `taizhang web` serves it, a county account and a town account
log in, every page is fetched twice to warm up, and then timed over HTTP (wall time of the
whole response).

    .venv/bin/python bench/bench_web.py                      # 1,000,000 facts, 20 towns
    .venv/bin/python bench/bench_web.py --facts 200000 --runs 5
    .venv/bin/python bench/bench_web.py --reuse              # keep the ledger of a last run

It uses its own schema (bench_web) of postgresql://postgres@127.0.0.1:5432/test.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_report import COUNTY_TOWNS  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage import make_engine, make_session_factory, migrate  # noqa: E402
from bot.storage.accounts import add_user  # noqa: E402
from bot.storage.models import Town  # noqa: E402
from bot.storage.units import normalise  # noqa: E402
from bot.web.passwords import hash_password  # noqa: E402
from nlu.sections import sections  # noqa: E402
from tests.web_support import LiveServer  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_web"
YEAR = 2026
TOWN_TARGET_MS = 300
COUNTY_TARGET_MS = 1000
PASSWORD = "bench-password-1"
PLACES = ("白岩村", "石桥村", "青杠村", "新华社区", "龙井村", "桂花村", "双河村", None)
PEOPLE = ("王芳", "刘强", "陈晓燕", "赵敏", "孙磊")


def url() -> str:
    return f"{SERVER}?options=-csearch_path%3D{SCHEMA}"


def _kinds() -> io.StringIO:
    """The taxonomy's activities as CSV rows of a table `kinds` (k, section, activity, unit,
    factor to the summing unit, summing unit, role, is a rate), plus one rate."""
    rows = [
        (s.id, a.name, a.default_unit or (a.units[0] if a.units else "次"))
        for s in sections()
        for a in s.activities
    ]
    rows.append(("disputes", "调解成功率", "%"))
    out = io.StringIO()
    for k, (section, activity, unit) in enumerate(rows, start=1):
        value, summing = normalise(1, unit)
        out.write(f"{k},{section},{activity},{unit},{value},{summing},new,{unit == '%'}\n")
    return out


def _copy(cursor, table: str, columns: str, rows: io.StringIO) -> None:
    rows.seek(0)
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", rows)


MESSAGES_SQL = """
INSERT INTO messages (id, channel, channel_message_id, channel_room_id, channel_sender_id,
    room_id, person_id, sent_at, received_at, text, mentions_bot, intent, confidence, status)
SELECT m, 'bench', 'm' || m, 'room-' || t, 'p-' || t || '-' || p, t, t * 10 + p, ts, ts,
    date_part('month', ts)::int || '月' || date_part('day', ts)::int || '日工作情况（' || m || '）',
    false, 'log_activity', 0.95, 'logged'
FROM (SELECT m, (m::bigint - 1) * %(towns)s / %(messages)s + 1 AS t, floor(random() * 5)::int AS p,
        ((%(start)s::date + floor(random() * %(days)s)::int) + time '09:00'
         + random() * interval '9 hours') AT TIME ZONE 'Asia/Shanghai' AS ts
      FROM generate_series(1, %(messages)s) AS m) AS g
"""

FACTS_SQL = """
INSERT INTO facts (id, message_id, town_id, room_id, person_id, section, activity, value, unit,
    value_normalised, unit_normalised, fact_date, place, role, status, created_at)
SELECT g.i, msg.id, msg.room_id, msg.room_id, msg.person_id, k.section, k.activity, v.v, k.unit,
    v.v * k.factor, k.norm_unit, (msg.sent_at AT TIME ZONE 'Asia/Shanghai')::date,
    (ARRAY['白岩村', '石桥村', '青杠村', '新华社区', '龙井村', '桂花村', '双河村', NULL])
        [1 + floor(random() * 8)::int],
    k.role, CASE WHEN random() < 0.01 THEN 'superseded' ELSE 'active' END, now()
FROM (SELECT i, (i::bigint - 1) * %(messages)s / %(facts)s + 1 AS mid,
             1 + floor(random() * %(kinds)s)::int AS kid
      FROM generate_series(1, %(facts)s) AS i) AS g
JOIN messages msg ON msg.id = g.mid
JOIN kinds k ON k.k = g.kid
CROSS JOIN LATERAL (SELECT CASE WHEN k.rate THEN 80 + floor(random() * 21)
                                ELSE 1 + floor(random() * 99) END AS v) AS v
"""


def generate(n_facts: int, n_towns: int, seed: int = 13) -> float:
    """Write the ledger inside PostgreSQL (generate_series; indexes dropped during the load
    and rebuilt after, foreign keys not checked row by row); returns the seconds it took."""
    started = time.perf_counter()
    engine = make_engine(SERVER)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{SCHEMA}"')
    engine.dispose()
    migrate(url())
    now = datetime.now(timezone.utc).isoformat()
    towns, rooms, people = io.StringIO(), io.StringIO(), io.StringIO()
    for t in range(1, n_towns + 1):
        name = COUNTY_TOWNS[(t - 1) % len(COUNTY_TOWNS)] + (
            "" if t <= len(COUNTY_TOWNS) else str(t)
        )
        towns.write(f"{t},{name},{now}\n")
        rooms.write(f"{t},bench,room-{t},法治工作群,{t},false,{now}\n")
        for p, person in enumerate(PEOPLE):
            people.write(f"{t * 10 + p},bench,p-{t}-{p},{person},{t},staff,{now}\n")
    kinds = _kinds()
    values = {
        "towns": n_towns,
        "facts": n_facts,
        "messages": max(1, n_facts * 5 // 8),  # 1.6 facts a message
        "kinds": kinds.getvalue().count("\n"),
        "start": date(YEAR - 1, 1, 1),
        "days": (date(YEAR, 12, 31) - date(YEAR - 1, 1, 1)).days + 1,
    }
    raw = make_engine(url()).raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT setseed(%s)", (seed / 100,))
        cursor.execute("SET session_replication_role = replica")  # no per-row FK triggers
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s "
            "AND tablename IN ('messages', 'facts') AND indexname NOT LIKE 'pk_%%'",
            (SCHEMA,),
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            "CREATE TEMP TABLE kinds (k int, section text, activity text, unit text, "
            "factor numeric, norm_unit text, role text, rate bool)"
        )
        _copy(cursor, "kinds", "k,section,activity,unit,factor,norm_unit,role,rate", kinds)
        _copy(cursor, "towns", "id,name,created_at", towns)
        _copy(cursor, "rooms", "id,channel,channel_room_id,topic,town_id,mentions_only,created_at",
              rooms)  # fmt: skip
        _copy(cursor, "people", "id,channel,channel_person_id,display_name,town_id,role,created_at",
              people)  # fmt: skip
        cursor.execute(MESSAGES_SQL, values)
        cursor.execute(FACTS_SQL, values)
        for _, definition in indexes:
            cursor.execute(definition)
        for table in ("towns", "rooms", "people", "messages", "facts"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        raw.commit()
        raw.connection.autocommit = True  # the psycopg2 connection under the pool's proxy
        # the visibility map lets index-only scans skip the table, as in a live ledger
        cursor.execute("VACUUM ANALYZE towns, rooms, people, messages, facts")
    finally:
        raw.close()
    return time.perf_counter() - started


def add_logins(factory) -> int:
    """A county login and a supervisor of town 1; returns that town's id."""
    with factory() as session:
        town = session.get(Town, 1)
        hashed = hash_password(PASSWORD)
        add_user(session, "county", "县依法治县办", hashed, "county", None)
        add_user(session, "town1", "镇分管领导", hashed, "supervisor", town)
        session.commit()
        return int(town.id)


def timed_get(client: requests.Session, address: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(address)
        times.append((time.perf_counter() - began) * 1000)
        response.raise_for_status()
    return times


def login(server: LiveServer, name: str) -> requests.Session:
    client = requests.Session()
    response = client.post(server.url + "/login", data={"login": name, "password": PASSWORD})
    response.raise_for_status()
    return client


def report(name: str, times: list[float], target: float | None) -> bool:
    median = statistics.median(times)
    verdict = (
        "" if target is None else ("  OK" if median <= target else f"  MISSES {target:.0f} ms")
    )
    print(
        f"{name:<30} median {median:7.1f} ms  min {min(times):7.1f}  max {max(times):7.1f}{verdict}"
    )
    return target is None or median <= target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--towns", type=int, default=20)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="keep the ledger of a last run")
    args = parser.parse_args()
    from bot.web.app import build_app

    if not args.reuse:
        seconds = generate(args.facts, args.towns)
        print(f"generated {args.facts:,} facts in {args.towns} towns: {seconds:.1f} s")
    engine = make_engine(url())
    factory = make_session_factory(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM web_users")
    town_id = add_logins(factory)
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), database_url=url())
        server = LiveServer(build_app(settings, factory)).start()
        try:
            county = login(server, "county")
            town = login(server, "town1")
            pages = [
                ("town page (HTML)", town, f"/towns/{town_id}?year={YEAR}", TOWN_TARGET_MS),
                ("town figures (API)", town, f"/api/towns/{town_id}/summary?year={YEAR}", None),
                ("county page (HTML, 20 towns)", county, f"/county?year={YEAR}", COUNTY_TARGET_MS),
                ("county figures (JSON API)", county, f"/api/county?year={YEAR}", None),
                ("drill-down (one figure)", town,
                 f"/towns/{town_id}/messages?year={YEAR}&section=disputes&activity=调解矛盾纠纷&unit=件",
                 None),
            ]  # fmt: skip
            ok = True
            for name, client, path, target in pages:
                timed_get(client, server.url + path, 2)  # warm: caches, plans, templates
                ok = report(name, timed_get(client, server.url + path, args.runs), target) and ok
        finally:
            server.stop()
    engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
