"""NLU benchmark: our pipeline and Rasa's stock DIET pipeline, side by side, on the held-out file.

    .venv/bin/python bench/bench_nlu.py [--retrain] [--pipelines ours,diet]

Prints intent accuracy, fact precision/recall/F1, facts from out_of_scope messages, parse
latency p50/p99, process start to first parse, peak RSS and training time, against the
targets of the issue; writes `rasa test nlu` reports and the mismatches under results/bench/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nlu_score import score  # noqa: E402

PIPELINES = {"ours": ROOT / "config.yml", "diet": ROOT / "bench" / "config_diet.yml"}
TARGETS = {
    "intent_accuracy": (">=", 0.97),
    "fact_f1": (">=", 0.95),
    "oos_messages_with_facts": ("<=", 0),
    "parse_ms_p50": ("<=", 5.0),
    "parse_ms_p99": ("<=", 20.0),
    "start_to_first_parse_s": ("<=", 15.0),
    "peak_rss_mb": ("<=", 700.0),
    "train_s": ("<=", 90.0),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
PYTHON = sys.executable


def model_for(config: Path) -> Path:
    code = (
        "from pathlib import Path; from nlu.training import model_path; "
        f"print(model_path(config=Path({str(config)!r})))"
    )
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, capture_output=True, text=True)
    return Path(out.stdout.strip().splitlines()[-1])


def train(config: Path, force: bool) -> tuple[Path, float | None]:
    """Train when asked or when missing; the time is only known when it trained."""
    model = model_for(config)
    if model.is_file() and not force:
        return model, None
    started = time.perf_counter()
    code = (
        "from pathlib import Path; from nlu.training import train; "
        f"print(train(config=Path({str(config)!r})))"
    )
    # Rasa caches trained components under .rasa/; a cache hit would not measure training.
    env = {**os.environ, "RASA_MAX_CACHE_SIZE": "0"}
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, check=True, capture_output=True, env=env)
    return model, time.perf_counter() - started


def probe(model: Path, heldout: Path) -> dict:
    out = subprocess.run(
        [
            PYTHON,
            str(ROOT / "bench" / "nlu_probe.py"),
            "--model",
            str(model),
            "--heldout",
            str(heldout),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def rasa_test(model: Path, items: list[dict], out_dir: Path) -> float | None:
    """Run `rasa test nlu` on the held-out intents; returns its intent accuracy."""
    usable = [i for i in items if i["text"].strip() and not _CONTROL.search(i["text"])]
    by_intent: dict[str, list[str]] = {}
    for item in usable:
        by_intent.setdefault(item["intent"], []).append(item["text"].replace("\n", " "))
    nlu = {
        "version": "3.1",
        "nlu": [
            {"intent": k, "examples": "".join(f"- {t}\n" for t in v)} for k, v in by_intent.items()
        ],
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    data_file = out_dir / "heldout_nlu.yml"
    data_file.write_text(yaml.safe_dump(nlu, allow_unicode=True, sort_keys=False), "utf-8")
    rasa = Path(PYTHON).parent / "rasa"
    subprocess.run(
        [
            str(rasa),
            "test",
            "nlu",
            "--nlu",
            str(data_file),
            "--model",
            str(model),
            "--out",
            str(out_dir),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    report = out_dir / "intent_report.json"
    return json.loads(report.read_text())["accuracy"] if report.is_file() else None


def verdict(name: str, value: float | None) -> str:
    if value is None or name not in TARGETS:
        return ""
    op, target = TARGETS[name]
    ok = value >= target if op == ">=" else value <= target
    return f"{'ok ' if ok else 'MISS'} ({op} {target:g})"


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--heldout", type=Path, default=ROOT / "bench" / "data" / "heldout.jsonl")
    args.add_argument("--pipelines", default="ours,diet")
    args.add_argument("--retrain", action="store_true", help="retrain to measure training time")
    opts = args.parse_args()
    opts.heldout = opts.heldout.resolve()
    items = [json.loads(x) for x in opts.heldout.read_text("utf-8").splitlines() if x.strip()]
    results_dir = ROOT / "results" / "bench" / opts.heldout.stem
    rows: dict[str, dict[str, float | None]] = {}
    for name in opts.pipelines.split(","):
        config = PIPELINES[name]
        model, train_s = train(config, opts.retrain)
        measured = probe(model, opts.heldout)
        scored = score(items, measured["predictions"])
        (results_dir / name).mkdir(parents=True, exist_ok=True)
        (results_dir / name / "errors.json").write_text(
            json.dumps(scored.errors, ensure_ascii=False, indent=1), "utf-8"
        )
        rows[name] = {
            "intent_accuracy": scored.intent_accuracy,
            "fact_precision": scored.precision,
            "fact_recall": scored.recall,
            "fact_f1": scored.f1,
            "oos_messages_with_facts": scored.oos_messages_with_facts,
            "place_accuracy": scored.places_right / max(1, scored.places_expected),
            "correction_accuracy": scored.correction_right / max(1, scored.correction_expected),
            "query_accuracy": scored.query_right / max(1, scored.query_expected),
            "rasa_test_intent_accuracy": rasa_test(model, items, results_dir / name),
            "parse_ms_p50": measured["parse_ms_p50"],
            "parse_ms_p99": measured["parse_ms_p99"],
            "start_to_first_parse_s": measured["start_to_first_parse_s"],
            "load_s": measured["load_s"],
            "peak_rss_mb": measured["peak_rss_mb"],
            "train_s": train_s,
        }
    names = list(rows)
    print(f"held-out: {opts.heldout} ({len(items)} messages)")
    print(f"{'metric':28}" + "".join(f"{n:>12}" for n in names) + "   target (first pipeline)")
    for metric in rows[names[0]]:
        cells = []
        for n in names:
            v = rows[n][metric]
            cells.append(f"{'n/a' if v is None else f'{v:.4g}':>12}")
        print(f"{metric:28}" + "".join(cells) + "   " + verdict(metric, rows[names[0]][metric]))
    print(f"mismatches: {results_dir}/<pipeline>/errors.json; rasa reports beside them")


if __name__ == "__main__":
    main()
