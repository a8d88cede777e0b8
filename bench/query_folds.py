"""The question reader alone, leave one writer out: what a progress question asks.

    .venv/bin/python bench/query_folds.py [--config query_C=4]

For each writer of `data/corpus`, fit `nlu.fact_model.QueryReader` (section and `uncovered`,
learned) on the other writers' labelled questions and score that writer's `query_progress`
lines (the intent taken as labelled): the whole query right (section, period, uncovered), and
each part. The period is read by rules (`nlu.periods`), the same in every fold. The lexicon's
reading (`nlu.facts`, no learning) is scored beside it. A tuning aid; fresh sets scored once by
`bench/score_set.py` stay the figure to report.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fact_folds import reader_config  # noqa: E402
from nlu.corpus import labels_of, read_corpus  # noqa: E402
from nlu.fact_model import QueryReader  # noqa: E402
from nlu.facts import BOT_NAME, extract  # noqa: E402
from nlu.result import Query  # noqa: E402

PARTS = ("section", "period", "uncovered")


def _tally(items: list[tuple[dict[str, Any], Query]]) -> Counter[str]:
    tally: Counter[str] = Counter()
    for want, got in items:
        right = {part: got.to_dict()[part] == want.get(part) for part in PARTS}
        tally["n"] += 1
        tally["query"] += all(right.values())
        tally.update(part for part, ok in right.items() if ok)
    return tally


def _figures(tally: Counter[str]) -> dict[str, float]:
    n = tally["n"] or 1
    return {"n": tally["n"], **{k: round(tally[k] / n, 4) for k in ("query", *PARTS)}}


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--config", default="")
    opts = args.parse_args()
    config = reader_config(opts.config)
    records, _ = read_corpus()
    items = []
    for record in records:
        if record["intent"] != "query_progress" or not isinstance(record.get("query"), dict):
            continue
        now = datetime.fromisoformat(record["now"])
        extraction = extract(record["text"].strip(), now, BOT_NAME)
        example = QueryReader.example(extraction, labels_of(record), record["intent"])
        if example is not None:
            items.append((record, extraction, example))
    learned: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    for writer in sorted({r["source"] for r, _, _ in items}):
        train = [example for r, _, example in items if r["source"] != writer]
        reader = QueryReader.fit(train, float(config["query_C"]), int(config["min_count"]))
        assert reader is not None
        held = [(r, x) for r, x, _ in items if r["source"] == writer]
        fold_learned = _tally([(r["query"], reader.read(x, x.analysis)) for r, x in held])
        fold_rules = _tally([(r["query"], x.query or Query()) for r, x in held])
        learned += fold_learned
        rules += fold_rules
        print(
            json.dumps(
                {
                    "held_out": writer,
                    "learned": _figures(fold_learned),
                    "rules": _figures(fold_rules),
                }
            ),
            flush=True,
        )
    print(json.dumps({"all_folds": {"learned": _figures(learned), "rules": _figures(rules)}}))


if __name__ == "__main__":
    main()
