"""Benchmark: the progress picture for the group (issue 13: at most 1 s).

A town's year of 5,000 facts is generated first (not timed); then the PNG is made as the
"看看进度" answer and the monthly digest make it (bot.reports.picture.progress_picture: the
ledger's records per section and month, then matplotlib). The first picture of a process
would also import matplotlib and find the CJK font: `taizhang run` does that at start
(picture.warm_up, in the background thread), and so does this benchmark, printed apart.

    .venv/bin/python bench/bench_picture.py
    .venv/bin/python bench/bench_picture.py --database-url postgresql://…  (an empty schema)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.reports.sample import populate_year  # noqa: E402
from bot.storage import make_engine, make_session_factory, migrate  # noqa: E402
from bot.storage.registry import find_town  # noqa: E402

YEAR = 2024
AS_OF = date(2024, 11, 20)
TARGET_S = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=5000, help="facts in the town's year")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    parser.add_argument("--save", type=Path, default=None, help="write the last PNG here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-picture-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'ledger.sqlite3'}"
        migrate(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        with factory() as session:
            populate_year(session, "白岩镇", YEAR, n_facts=args.facts)
            session.commit()

        def render():
            from bot.reports.picture import progress_picture

            with factory() as session:
                town = find_town(session, "白岩镇")
                return progress_picture(session, town.id, town.name, YEAR, AS_OF)

        from bot.reports.picture import warm_up

        start = time.perf_counter()
        warm_up()  # what `taizhang run` does in the background when it starts
        warming = time.perf_counter() - start
        start = time.perf_counter()
        picture = render()
        first = time.perf_counter() - start
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            picture = render()
            runs.append(time.perf_counter() - start)
        engine.dispose()

    warm = statistics.median(runs)
    if args.save:
        args.save.write_bytes(picture.data)
    ok = warm <= TARGET_S
    print(
        f"progress picture, {args.facts} facts -> PNG ({len(picture.data) / 1024:.0f} KB): "
        f"median {warm:.3f} s of {args.repeat} (runs {', '.join(f'{r:.3f}' for r in runs)}) "
        f"target {TARGET_S} s: {'ok' if ok else 'MISSED'}"
    )
    print(
        f"warm-up at start (imports matplotlib, finds the font): {warming:.3f} s; "
        f"first picture after it: {first:.3f} s"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
