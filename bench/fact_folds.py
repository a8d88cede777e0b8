"""The fact model alone, leave one writer out, in seconds instead of a Rasa training per fold.

    .venv/bin/python bench/fact_folds.py [--set bench/data/fresh/r1-sichuan.jsonl ...]
                                         [--config event_threshold=0.4,C=4]

For each writer of `data/corpus`, fit `nlu.fact_model.FactModels` on the other writers and
score its facts on that writer's log messages (the intent is taken as labelled, so this is the
fact model's own figure, not the whole parser's: `bench/score_set.py` gives that). With `--set`,
a model fitted on the whole corpus is also scored on each given set. A tuning aid between fresh
sets; the figure to report stays a fresh set scored once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nlu_score import fact_key, is_work  # noqa: E402
from nlu.augment import noisy_copy  # noqa: E402
from nlu.corpus import labels_of, read_corpus  # noqa: E402
from nlu.fact_model import FactModels, LearnedFactReader  # noqa: E402
from nlu.facts import BOT_NAME, extract  # noqa: E402


def _extracted(records: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    return [
        (r, extract(r["text"].strip(), datetime.fromisoformat(r["now"]), BOT_NAME)) for r in records
    ]


def _score(models: FactModels, items: list[tuple[dict[str, Any], Any]]) -> dict[str, float]:
    want_n = got_n = right = oos = 0
    for record, extraction in items:
        if extraction.analysis is None:
            continue
        if record["intent"] == "out_of_scope":
            # Work read in chatter (running totals, plans …), whatever the intent classifier says.
            read = models.read(extraction, extraction.analysis)
            oos += sum(1 for f in read.facts if is_work(f.to_dict()))
            continue
        if record["intent"] != "log_activity":
            continue
        read = models.read(extraction, extraction.analysis)
        want = Counter(fact_key(f) for f in record.get("facts") or [] if is_work(f))
        got = Counter(fact_key(f.to_dict()) for f in read.facts if is_work(f.to_dict()))
        want_n += sum(want.values())
        got_n += sum(got.values())
        right += sum((want & got).values())
    p = right / got_n if got_n else 0.0
    r = right / want_n if want_n else 0.0
    return {
        "p": round(p, 4),
        "r": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "work_facts_in_chatter": oos,
    }


def reader_config(overrides: str) -> dict[str, Any]:
    """The fact reader's config: its defaults, config.yml's settings, then `key=value,…`."""
    config = LearnedFactReader.get_default_config()
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text("utf-8"))["pipeline"]
    config.update(next(c for c in pipeline if c["name"] == "nlu.fact_model.LearnedFactReader"))
    for item in filter(None, overrides.split(",")):
        key, _, value = item.partition("=")
        config[key] = float(value)
    return config


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--set", action="append", default=[])
    args.add_argument("--config", default="")
    args.add_argument("--no-folds", action="store_true")
    args.add_argument("--augment", action="store_true", help="train on noisy copies too")
    opts = args.parse_args()
    config = reader_config(opts.config)
    records, _ = read_corpus()
    items = _extracted(records)
    noisy = _extracted([c for r in records if (c := noisy_copy(r))]) if opts.augment else []
    writers = sorted({r["source"] for r in records})
    totals: list[float] = []
    for writer in [] if opts.no_folds else writers:
        train = [(x, labels_of(r), r["intent"]) for r, x in items if r["source"] != writer]
        models = FactModels.fit(train, config)
        assert models is not None
        figures = _score(models, [(r, x) for r, x in items if r["source"] == writer])
        totals.append(figures["f1"])
        print(json.dumps({"held_out": writer, **figures}, ensure_ascii=False), flush=True)
    if totals:
        print(json.dumps({"mean_f1": round(sum(totals) / len(totals), 4)}))
    if opts.set:
        models = FactModels.fit([(x, labels_of(r), r["intent"]) for r, x in items + noisy], config)
        assert models is not None
        for path in opts.set:
            rows = [json.loads(line) for line in Path(path).read_text("utf-8").splitlines() if line]
            print(json.dumps({"set": Path(path).name, **_score(models, _extracted(rows))}))


if __name__ == "__main__":
    main()
