"""How well the activity chooser names facts written by a writer it did not learn from.

    .venv/bin/python bench/activity_names.py [--floor F] [--map-floor M]

For each writer of data/corpus in turn, fit nlu.activities.ActivityChooser on the catalogue
and the other writers, then name that writer's facts from their words. A fact whose own
activity name maps to a catalogued activity (by the same similarity the training uses) is
*catalogued*: the figure is how often the chooser gives that name. Facts that map to nothing
show how often the chooser makes up a new name instead of forcing a catalogue one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.activities import ActivityChooser, ActivityNamer, catalogue_name, context_at  # noqa: E402
from nlu.catalogue import by_name  # noqa: E402
from nlu.corpus import read_corpus  # noqa: E402
from nlu.numbers import normalize_width  # noqa: E402


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--floor", type=float, default=None)
    args.add_argument("--map-floor", type=float, default=None)
    args.add_argument("--writers", type=int, default=4, help="how many writers to hold out")
    opts = args.parse_args()
    config = ActivityNamer.get_default_config()
    if opts.floor is not None:
        config["floor"] = opts.floor
    if opts.map_floor is not None:
        config["map_floor"] = opts.map_floor
    records, _ = read_corpus()
    writers = sorted({r["source"] for r in records})[: opts.writers]
    totals: Counter = Counter()
    confusions: Counter = Counter()
    for writer in writers:
        train = [(r["text"], r.get("facts") or []) for r in records if r["source"] != writer]
        chooser = ActivityChooser.fit(train, config)
        for record in (r for r in records if r["source"] == writer):
            norm = normalize_width(record["text"])
            for fact in record.get("facts") or []:
                anchor = norm.find(normalize_width(fact["span"]))
                section, unit = fact["section"], fact["unit"]
                truth = catalogue_name(fact["activity"], section, unit, config["map_floor"])
                context = context_at(norm, anchor)
                chosen = chooser.choose(context, section, unit, fact["activity"])
                catalogued = chosen in by_name()
                if truth is None:
                    totals["uncatalogued"] += 1
                    totals["uncatalogued_named_new"] += not catalogued
                    continue
                totals["catalogued"] += 1
                totals["right"] += chosen == truth
                totals["named_new"] += not catalogued
                if chosen != truth:
                    confusions[(fact["activity"], truth, chosen)] += 1
    figures = {
        "writers_held_out": len(writers),
        "catalogued_facts": totals["catalogued"],
        "catalogue_accuracy": round(totals["right"] / max(1, totals["catalogued"]), 4),
        "catalogued_named_new": totals["named_new"],
        "uncatalogued_facts": totals["uncatalogued"],
        "uncatalogued_named_new": totals["uncatalogued_named_new"],
    }
    print(json.dumps(figures, ensure_ascii=False))
    for (written, truth, chosen), n in confusions.most_common(25):
        print(f"  {n:3d}  {written} -> {chosen} (catalogue: {truth})")


if __name__ == "__main__":
    main()
