"""Benchmark: the dashboard's pages, served warm, on PostgreSQL.

Targets (issue 13): the town page in at most 300 ms, and the county page of 20 towns with
1,000,000 facts in at most 1 s. The ledger is generated first with COPY (20 towns, facts
spread over the benchmark year and the year before, each with its message, a few stocks and
rates, a few superseded facts), then the app is served on a local port exactly as
`taizhang web` serves it, a county account and a town account log in, every page is fetched
once to warm up, and then timed over HTTP (wall time of the whole response).

    .venv/bin/python bench/bench_web.py                      # 1,000,000 facts, 20 towns
    .venv/bin/python bench/bench_web.py --facts 200000 --runs 5
    .venv/bin/python bench/bench_web.py --reuse              # keep the schema of a last run

It uses its own schema (bench_web) of postgresql://postgres@127.0.0.1:5432/test.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
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


def _activities() -> list[tuple[str, str, str, str]]:
    """(section, activity, unit, role) of the taxonomy, with a few stocks and rates."""
    result = []
    for section in sections():
        for activity in section.activities:
            unit = activity.default_unit or (activity.units[0] if activity.units else "次")
            role = "stock" if activity.name in ("聘请法律顾问", "覆盖社区") else "new"
            result.append((section.id, activity.name, unit, role))
    result.append(("disputes", "调解成功率", "%", "new"))
    return result


def _copy(cursor, table: str, columns: str, rows: io.StringIO) -> None:
    rows.seek(0)
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", rows)


def generate(n_facts: int, n_towns: int, seed: int = 13) -> float:
    """Write the ledger with COPY; returns the seconds it took."""
    started = time.perf_counter()
    engine = make_engine(SERVER)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{SCHEMA}"')
    engine.dispose()
    migrate(url())
    rng = random.Random(seed)
    kinds = _activities()
    now = datetime.now(timezone.utc).isoformat()
    towns, rooms, people, messages, facts = (io.StringIO() for _ in range(5))
    start = date(YEAR - 1, 1, 1)
    days = (date(YEAR, 12, 31) - start).days
    per_town = n_facts // n_towns
    fact_id = message_id = 0
    for t in range(1, n_towns + 1):
        towns.write(
            f"{t},{COUNTY_TOWNS[(t - 1) % len(COUNTY_TOWNS)]}{'' if t <= 20 else t},{now}\n"
        )
        rooms.write(f"{t},bench,room-{t},法治工作群,{t},false,{now}\n")
        for p, name in enumerate(PEOPLE):
            people.write(f"{t * 10 + p},bench,p-{t}-{p},{name},{t},staff,{now}\n")
        made = 0
        while made < per_town:
            message_id += 1
            day = start + timedelta(days=rng.randint(0, days))
            sent = datetime(
                day.year, day.month, day.day, 9, rng.randint(0, 59), tzinfo=timezone.utc
            )
            person = t * 10 + rng.randrange(len(PEOPLE))
            batch = rng.choice((1, 1, 1, 2, 3))
            text = f"{day.month}月{day.day}日工作情况（{message_id}）"
            messages.write(
                f"{message_id},bench,m{message_id},room-{t},p-{t}-0,,{t},{person},"
                f"{sent.isoformat()},{sent.isoformat()},{text},false,log_activity,0.95,logged\n"
            )
            for _ in range(min(batch, per_town - made)):
                fact_id += 1
                made += 1
                section, activity, unit, role = rng.choice(kinds)
                value = rng.randint(1, 99) if unit != "%" else rng.randint(80, 100)
                norm_value, norm_unit = normalise(value, unit)
                place = rng.choice(PLACES) or ""
                status = "superseded" if rng.random() < 0.01 else "active"
                facts.write(
                    f"{fact_id},{message_id},{t},{t},{person},{section},{activity},{value},{unit},"
                    f"{norm_value},{norm_unit},{day.isoformat()},{place},{role},{status},{now}\n"
                )
    raw = make_engine(url()).raw_connection()
    try:
        cursor = raw.cursor()
        _copy(cursor, "towns", "id,name,created_at", towns)
        _copy(
            cursor,
            "rooms",
            "id,channel,channel_room_id,topic,town_id,mentions_only,created_at",
            rooms,
        )
        _copy(
            cursor,
            "people",
            "id,channel,channel_person_id,display_name,town_id,role,created_at",
            people,
        )
        _copy(
            cursor,
            "messages",
            "id,channel,channel_message_id,channel_room_id,channel_sender_id,sender_name,room_id,"
            "person_id,sent_at,received_at,text,mentions_bot,intent,confidence,status",
            messages,
        )
        _copy(
            cursor,
            "facts",
            "id,message_id,town_id,room_id,person_id,section,activity,value,unit,"
            "value_normalised,unit_normalised,fact_date,place,role,status,created_at",
            facts,
        )
        for table in ("towns", "rooms", "people", "messages", "facts"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
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
        print(f"generated {args.facts:,} facts in {args.towns} towns (COPY): {seconds:.1f} s")
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
