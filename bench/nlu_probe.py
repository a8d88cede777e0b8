"""Measure one trained NLU model in a fresh process: start-up, parse latency, memory, outputs.

Run by bench/bench_nlu.py in a subprocess so that memory and start-up are the model's own.
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
    args.add_argument("--heldout", required=True, type=Path)
    args.add_argument("--repeat", type=int, default=3, help="timed passes over the file")
    opts = args.parse_args()

    from bot.logs import configure_logging

    configure_logging("WARNING")
    from nlu.parser import Parser

    imported = time.perf_counter()
    parser = Parser.load(opts.model)
    loaded = time.perf_counter()
    items = [json.loads(line) for line in opts.heldout.read_text("utf-8").splitlines() if line]
    first = parser.parse(items[0]["text"], datetime.fromisoformat(items[0]["now"]))
    first_parse = time.perf_counter()

    predictions = [
        parser.parse(item["text"], datetime.fromisoformat(item["now"]), id=item["id"]).to_dict()
        for item in items
    ]
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
