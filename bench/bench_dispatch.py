"""One message end to end (store, parse, act, reply) through the dispatcher, in-process.

Prints p50/p95/p99 per database for a realistic mix (logs, corrections, queries, chatter),
and the parse-only share. Targets (issue "The ledger"): p50 <= 10 ms on SQLite and
<= 15 ms on PostgreSQL.

    .venv/bin/python bench/bench_dispatch.py [--n 500] [--db sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bot.dispatcher import Dispatcher  # noqa: E402
from bot.message import IncomingMessage  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage import make_engine, make_session_factory, migrate  # noqa: E402
from bot.storage.registry import add_person, bind_room, get_or_create_town  # noqa: E402

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
MIX = [
    "今天调解矛盾纠纷3件",
    "昨天在白岩村开展普法宣传两场，发放资料500份，解答咨询30人次",
    "收到",
    "组织干部学法1次 参加42人",
    "更正为4件",
    "好的👍",
    "开展执法检查6次",
    "今年调解多少件了",
    "投入普法经费1.5万元",
    "明天下午3点在三楼会议室开会",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def prepare(url: str):
    migrate(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        town = get_or_create_town(session, "白岩镇")
        bind_room(session, "bench", "room", town)
        for n in range(5):
            add_person(session, "bench", f"p{n}", town)
        session.commit()
    return engine, factory


def run(name: str, url: str, parser, n: int) -> None:
    engine, factory = prepare(url)
    settings = Settings(database_url=url)
    bot = Dispatcher(settings, factory, parser)
    zone = ZoneInfo(settings.timezone)
    start = datetime(2024, 3, 1, 9, tzinfo=zone)
    timings = []
    for i in range(n + 50):
        msg = IncomingMessage(
            channel="bench",
            message_id=f"{name}-{os.getpid()}-{i}",
            room="room",
            sender=f"p{i % 5}",
            time=start + timedelta(minutes=7 * i),
            text=MIX[i % len(MIX)],
        )
        began = time.perf_counter()
        bot.handle(msg)
        if i >= 50:  # warm-up excluded
            timings.append((time.perf_counter() - began) * 1000)
    engine.dispose()
    print(
        f"{name:<11} n={n}  p50 {percentile(timings, 0.5):6.2f} ms   "
        f"p95 {percentile(timings, 0.95):6.2f} ms   p99 {percentile(timings, 0.99):6.2f} ms   "
        f"mean {statistics.fmean(timings):6.2f} ms"
    )


def parse_only(parser, n: int) -> None:
    now = datetime(2024, 3, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    timings = []
    for i in range(n):
        began = time.perf_counter()
        parser.parse(MIX[i % len(MIX)], now=now)
        timings.append((time.perf_counter() - began) * 1000)
    print(
        f"{'parse only':<11} n={n}  p50 {percentile(timings, 0.5):6.2f} ms   "
        f"p95 {percentile(timings, 0.95):6.2f} ms"
    )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--n", type=int, default=500)
    args.add_argument("--db", default="sqlite,postgresql")
    opts = args.parse_args()

    from nlu.parser import load_parser

    parser = load_parser(Settings())
    parse_only(parser, opts.n)
    for name in opts.db.split(","):
        if name == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                run("sqlite", f"sqlite:///{folder}/bench.sqlite3", parser, opts.n)
        elif name == "postgresql":
            schema = f"bench_dispatch_{os.getpid()}"
            admin = make_engine(POSTGRES)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                run("postgresql", f"{POSTGRES}?options=-csearch_path%3D{schema}", parser, opts.n)
            finally:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


if __name__ == "__main__":
    main()
