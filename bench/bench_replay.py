"""`taizhang replay` throughput: generate N chat lines, replay them, replay again.

Prints the time of the first replay (and the projection for 100,000 lines; target: within
10 minutes on 2 cores) and shows that the second replay adds nothing.

    .venv/bin/python bench/bench_replay.py [--n 2000] [--db sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402

from bot.channels.replay import CHANNEL, replay  # noqa: E402
from bot.dispatcher import Dispatcher  # noqa: E402
from bot.onboarding import ExportRegistrar  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage import make_engine, make_session_factory, migrate  # noqa: E402
from bot.storage.models import Fact, Message  # noqa: E402

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
LOGS = [
    "今天调解矛盾纠纷{a}件",
    "今天在白岩村开展普法宣传{a}场，发放资料{b}份",
    "组织干部学法{a}次 参加{b}人",
    "开展执法检查{a}次",
    "投入普法经费{a}.5万元",
    "网上办件{b}件",
]
OTHER = ["收到", "好的👍", "明天下午3点开会", "撤回", "更正为{a}件", "本月进度"]


def generate(path: Path, n: int) -> None:
    rng = random.Random(n)
    moment = datetime.fromisoformat("2023-01-02T08:30:00+08:00")
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            moment += timedelta(minutes=rng.randint(1, 40))
            pool = LOGS if rng.random() < 0.6 else OTHER
            line = {
                "time": moment.isoformat(),
                "room": f"群{rng.randint(1, 5)}",
                "sender": f"人员{rng.randint(1, 30)}",
                "text": rng.choice(pool).format(a=rng.randint(1, 9), b=rng.randint(10, 500)),
            }
            if i % 2:
                line["id"] = f"line-{i}"
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def counts(factory) -> tuple[int, int]:
    with factory() as session:
        messages = session.execute(select(func.count()).select_from(Message)).scalar_one()
        facts = session.execute(select(func.count()).select_from(Fact)).scalar_one()
    return messages, facts


def bench(url: str, path: Path, n: int, parser) -> None:
    migrate(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    bot = Dispatcher(Settings(database_url=url), factory, parser)
    began = time.perf_counter()
    first = replay(path, bot, admit=ExportRegistrar(factory, "白岩镇", CHANNEL).admit)
    first_s = time.perf_counter() - began
    after_first = counts(factory)
    began = time.perf_counter()
    second = replay(path, bot, admit=ExportRegistrar(factory, "白岩镇", CHANNEL).admit)
    second_s = time.perf_counter() - began
    after_second = counts(factory)
    engine.dispose()
    per_line = first_s / n * 1000
    print(
        f"first replay : {n} lines in {first_s:.1f} s ({per_line:.2f} ms/line; "
        f"100,000 lines ≈ {per_line * 100:.0f} s), {first.messages} messages, "
        f"{first.facts_logged} facts, {first.corrections} corrections"
    )
    print(
        f"second replay: {second_s:.1f} s, {second.messages} new messages, "
        f"{second.duplicates} duplicates; ledger {after_first} -> {after_second} "
        f"({'unchanged' if after_first == after_second else 'CHANGED'})"
    )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--n", type=int, default=2000)
    args.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    opts = args.parse_args()

    from nlu.parser import load_parser

    parser = load_parser(Settings())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.jsonl"
        generate(path, opts.n)
        if opts.db == "sqlite":
            bench(f"sqlite:///{folder}/bench.sqlite3", path, opts.n, parser)
            return
        schema = f"bench_replay_{os.getpid()}"
        admin = make_engine(POSTGRES)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            bench(f"{POSTGRES}?options=-csearch_path%3D{schema}", path, opts.n, parser)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
