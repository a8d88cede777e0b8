"""Benchmark: the year-end draft from the ledger.

Targets (issue 5): one town's year of 5,000 facts to .docx in at most 2 s; a county of 20
towns in at most 30 s, as twenty town drafts and (issue 13) as the county roll-up
(`taizhang county`: every town read as its report reads it, the summary draft as .docx).
The ledger is generated first (not timed) with bot.reports.sample.populate_year, then each
draft is built with build_report exactly as `taizhang report` does (read through
bot.storage.aggregate, compose, write), and the roll-up with build_county.

    .venv/bin/python bench/bench_report.py                # SQLite in a temporary folder
    .venv/bin/python bench/bench_report.py --towns 5 --facts 2000
    .venv/bin/python bench/bench_report.py --database-url postgresql://…  (an empty schema)
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

from bot.reports import build_report  # noqa: E402
from bot.reports.county import build_county  # noqa: E402
from bot.reports.sample import populate_year  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage import make_engine, make_session_factory, migrate  # noqa: E402

YEAR = 2024
AS_OF = date(2025, 1, 10)
TOWN_TARGET_S = 2.0
COUNTY_TARGET_S = 30.0
COUNTY_TOWNS = ("白岩镇", "石桥镇", "青杠镇", "龙井镇", "桂花镇", "双河镇", "新华镇", "大溪镇",
                "清泉镇", "红岩镇", "金竹镇", "平安镇", "太平镇", "长坝镇", "柏林镇", "永兴镇",
                "回龙镇", "凤凰镇", "观音镇", "黄桷镇")  # fmt: skip


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=20, help="towns in the county run")
    parser.add_argument("--facts", type=int, default=5000, help="facts per town and year")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the single-town draft")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    args = parser.parse_args()
    towns = COUNTY_TOWNS[: max(1, min(args.towns, len(COUNTY_TOWNS)))]

    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        out = Path(tmp)
        url = args.database_url or f"sqlite:///{out / 'ledger.sqlite3'}"
        migrate(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)

        seconds, _ = timed(lambda: fill(factory, towns, args.facts))
        print(f"ledger: {len(towns)} towns x {args.facts} facts written in {seconds:.1f} s")

        town = towns[0]
        runs = []
        for n in range(args.repeat):
            s, path = timed(
                lambda n=n: build_report(
                    factory, town, YEAR, "docx", out / f"t{n}.docx", as_of=AS_OF
                )
            )
            runs.append(s)
        single = statistics.median(runs)
        size_kb = Path(path).stat().st_size / 1024
        json_s, _ = timed(
            lambda: build_report(factory, town, YEAR, "json", out / "t.json", as_of=AS_OF)
        )
        evidence_s, _ = timed(
            lambda: build_report(
                factory, town, YEAR, "docx", out / "te.docx", evidence=True, as_of=AS_OF
            )
        )

        county_s, _ = timed(
            lambda: [
                build_report(
                    factory, name, YEAR, "docx", out / "county" / f"{name}.docx", as_of=AS_OF
                )
                for name in towns
            ]
        )
        settings = Settings(data_dir=out, database_url=url)
        rollup = {
            fmt: timed(
                lambda fmt=fmt: build_county(
                    YEAR, fmt, out / f"county.{fmt}", sources=[factory], as_of=AS_OF,
                    settings=settings,
                )
            )[0]
            for fmt in ("docx", "json", "xlsx")
        }  # fmt: skip
        engine.dispose()

    ok_town = single <= TOWN_TARGET_S
    ok_county = county_s <= COUNTY_TARGET_S or len(towns) < 20
    print(
        f"one town, {args.facts} facts -> .docx: median {single:.3f} s of {args.repeat} "
        f"(runs {', '.join(f'{r:.3f}' for r in runs)}; {size_kb:.0f} KB) "
        f"target {TOWN_TARGET_S} s: {'ok' if ok_town else 'MISSED'}"
    )
    print(f"one town -> .json: {json_s:.3f} s")
    print(f"one town -> .docx + evidence .xlsx: {evidence_s:.3f} s")
    print(
        f"county, {len(towns)} towns -> .docx each: {county_s:.2f} s "
        f"({county_s / len(towns):.3f} s per town) target {COUNTY_TARGET_S} s: "
        f"{'ok' if ok_county else 'MISSED'}"
    )
    ok_rollup = rollup["docx"] <= COUNTY_TARGET_S or len(towns) < 20
    print(
        f"county roll-up, {len(towns)} towns -> one summary .docx: {rollup['docx']:.2f} s "
        f"target {COUNTY_TARGET_S} s: {'ok' if ok_rollup else 'MISSED'} "
        f"(.json {rollup['json']:.2f} s, .xlsx {rollup['xlsx']:.2f} s)"
    )
    return 0 if ok_town and ok_county and ok_rollup else 1


def fill(factory, towns, facts) -> None:
    for name in towns:
        with factory() as session:
            populate_year(session, name, YEAR, n_facts=facts)
            populate_year(session, name, YEAR - 1, n_facts=facts // 2, seed=3)
            session.commit()


if __name__ == "__main__":
    raise SystemExit(main())
