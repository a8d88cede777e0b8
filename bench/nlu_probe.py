"""Measure one trained NLU model in a fresh process: start-up, parse latency, memory, outputs.

Run by bench/bench_nlu.py in a subprocess so that memory and start-up are the model's own;
all sets go through one process so that each pipeline pays start-up once, as the bot does.
Prints one JSON object on stdout.
"""

from __future__ import annotations

import time

PROCESS_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--model", required=True, type=Path)
    args.add_argument("--sets", required=True, type=Path, nargs="+", help="labelled jsonl files")
    args.add_argument("--repeat", type=int, default=1, help="timed passes over all sets")
    opts = args.parse_args()

    from bot.logs import configure_logging

    configure_logging("WARNING")
    from nlu.parser import Parser

    imported = time.perf_counter()
    parser = Parser.load(opts.model)
    loaded = time.perf_counter()
    sets = {
        str(path): [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
        for path in opts.sets
    }
    items = [item for set_items in sets.values() for item in set_items]
    first = parser.parse(items[0]["text"], datetime.fromisoformat(items[0]["now"]))
    first_parse = time.perf_counter()

    # The untimed pass gives the outputs and warms caches (jieba, TensorFlow's graph).
    predictions = {
        name: [
            parser.parse(i["text"], datetime.fromisoformat(i["now"]), id=i["id"]).to_dict()
            for i in set_items
        ]
        for name, set_items in sets.items()
    }
    latencies: list[float] = []
    for _ in range(opts.repeat):
        for item in items:
            now = datetime.fromisoformat(item["now"])
            started = time.perf_counter()
            parser.parse(item["text"], now)
            latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(
        {
            "import_s": imported - PROCESS_START,
            "load_s": loaded - imported,
            "start_to_first_parse_s": first_parse - PROCESS_START,
            "first_intent": first.intent,
            "parse_ms_p50": statistics.median(latencies),
            "parse_ms_p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "parse_ms_mean": statistics.fmean(latencies),
            "parses_timed": len(latencies),
            "peak_rss_mb": rss_mb,
            "tensorflow_imported": "tensorflow" in sys.modules,
            "predictions": predictions,
        },
        sys.stdout,
        ensure_ascii=False,
    )


if __name__ == "__main__":
    main()
