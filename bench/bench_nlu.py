"""NLU benchmark: our pipeline and Rasa's stock DIET pipeline, side by side in one run, on
every fresh set (bench/data/fresh/*.jsonl) and the held-out file.

    .venv/bin/python bench/bench_nlu.py [--retrain] [--pipelines ours,diet] [--rasa-test]

Both pipelines read the same training data and share the fact model (bench/config_diet.yml
differs from config.yml only in intent classification). Prints, per set and pipeline, intent
accuracy, fact precision/recall/F1, facts from out_of_scope messages and correction accuracy;
per pipeline, parse latency p50/p99 over all sets, process start to first parse, peak RSS and
training time; each against the issue's targets. Writes the mismatches and all figures under
results/bench/. Run it, do not tune on it: the fresh sets measure, they do not teach (a set
already scored is a regression set from then on, see bench/data/fresh/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nlu_score import score  # noqa: E402
from bench.score_set import load_set, report  # noqa: E402

PIPELINES = {"ours": ROOT / "config.yml", "diet": ROOT / "bench" / "config_diet.yml"}
FRESH = ROOT / "bench" / "data" / "fresh"
TARGETS = {
    "intent_accuracy": (">=", 0.97),
    "fact_f1": (">=", 0.95),
    "oos_messages_with_facts": ("<=", 0),
    "parse_ms_p50": ("<=", 5.0),
    "parse_ms_p99": ("<=", 20.0),
    "start_to_first_parse_s": ("<=", 15.0),
    "peak_rss_mb": ("<=", 700.0),
    "train_s": ("<=", 300.0),  # the "training ≤ 5 min on 2 cores"
}
SET_METRICS = (
    "intent_accuracy",
    "fact_precision",
    "fact_recall",
    "fact_f1",
    "oos_messages_with_facts",
    "correction_accuracy",
)
RUN_METRICS = (
    "parse_ms_p50",
    "parse_ms_p99",
    "start_to_first_parse_s",
    "peak_rss_mb",
    "train_s",
    "train_cpu_s",
)
MEASURED = RUN_METRICS[:4]  # what the probe process reports
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
PYTHON = sys.executable
Figures = dict[str, float | None]


def model_for(config: Path) -> Path:
    code = (
        "from pathlib import Path; from nlu.training import model_path; "
        f"print(model_path(config=Path({str(config)!r})))"
    )
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, capture_output=True, text=True)
    return Path(out.stdout.strip().splitlines()[-1])


def train(config: Path, force: bool) -> tuple[Path, float | None, float | None]:
    """Train when asked or when missing; the times (wall clock, and the CPU seconds, which a
    machine shared with other jobs does not inflate) are only known when it trained."""
    model = model_for(config)
    if model.is_file() and not force:
        return model, None, None
    cpu_before = _children_cpu_s()
    started = time.perf_counter()
    code = (
        "from pathlib import Path; from nlu.training import train; "
        f"print(train(config=Path({str(config)!r})))"
    )
    # Rasa caches trained components under .rasa/; a cache hit would not measure training.
    env = {**os.environ, "RASA_MAX_CACHE_SIZE": "0"}
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, check=True, capture_output=True, env=env)
    return model, time.perf_counter() - started, _children_cpu_s() - cpu_before


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def probe(model: Path, sets: list[Path]) -> dict:
    """One fresh process parses every set: outputs, latency, start-up and memory."""
    command = [PYTHON, str(ROOT / "bench" / "nlu_probe.py"), "--model", str(model), "--sets"]
    out = subprocess.run(
        command + [str(s) for s in sets], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def rasa_test(model: Path, items: list[dict], out_dir: Path) -> float | None:
    """Run `rasa test nlu` on a set's intents (a cross-check of our scorer's intent figure)."""
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
    data_file = out_dir / "set_nlu.yml"
    data_file.write_text(yaml.safe_dump(nlu, allow_unicode=True, sort_keys=False), "utf-8")
    rasa = Path(PYTHON).parent / "rasa"
    command = [str(rasa), "test", "nlu", "--nlu", str(data_file), "--model", str(model)]
    subprocess.run(command + ["--out", str(out_dir)], cwd=ROOT, capture_output=True, text=True)
    report_file = out_dir / "intent_report.json"
    return json.loads(report_file.read_text())["accuracy"] if report_file.is_file() else None


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def verdict(name: str, value: float | None) -> str:
    if value is None or name not in TARGETS:
        return ""
    op, target = TARGETS[name]
    ok = value >= target if op == ">=" else value <= target
    return "ok" if ok else "MISS"


def target_text(name: str) -> str:
    if name not in TARGETS:
        return ""
    op, target = TARGETS[name]
    return f"{op} {target:g}"


def table(title: str, metrics: tuple[str, ...], rows: dict[str, Figures]) -> list[str]:
    """One block of the printed table: a metric per line, a pipeline per column."""
    names = list(rows)
    lines = [title, f"{'metric':26}" + "".join(f"{n:>16}" for n in names) + "   target"]
    for metric in metrics:
        cells = []
        for name in names:
            value = rows[name].get(metric)
            text = "n/a" if value is None else f"{value:.4g} {verdict(metric, value)}".strip()
            cells.append(f"{text:>16}")
        lines.append(f"{metric:26}" + "".join(cells) + "   " + target_text(metric))
    return lines


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--heldout", type=Path, default=ROOT / "bench" / "data" / "heldout.jsonl")
    args.add_argument("--fresh", type=Path, default=FRESH, help="folder of fresh *.jsonl sets")
    args.add_argument("--pipelines", default="ours,diet")
    args.add_argument("--retrain", action="store_true", help="retrain to measure training time")
    args.add_argument("--rasa-test", action="store_true", help="also run `rasa test nlu` per set")
    opts = args.parse_args()
    sets = sorted(p.resolve() for p in opts.fresh.glob("*.jsonl")) + [opts.heldout.resolve()]
    labelled = {path: load_set(path) for path in sets}
    results_dir = ROOT / "results" / "bench"
    per_set: dict[Path, dict[str, Figures]] = {path: {} for path in sets}
    per_run: dict[str, Figures] = {}
    for name in opts.pipelines.split(","):
        model, train_s, train_cpu_s = train(PIPELINES[name], opts.retrain)
        measured = probe(model, sets)
        per_run[name] = {metric: measured[metric] for metric in MEASURED}
        per_run[name].update(train_s=train_s, train_cpu_s=train_cpu_s)
        for path, items in labelled.items():
            scored = score(items, measured["predictions"][str(path)])
            figures: Figures = {k: v for k, v in report(path.name, scored).items() if k != "set"}
            figures.setdefault("correction_accuracy", None)
            out_dir = results_dir / path.stem / name
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / "errors.json").write_text(
                json.dumps(scored.errors, ensure_ascii=False, indent=1), "utf-8"
            )
            if opts.rasa_test:
                figures["rasa_test_intent_accuracy"] = rasa_test(model, items, out_dir)
            per_set[path][name] = figures
    set_metrics = SET_METRICS + (("rasa_test_intent_accuracy",) if opts.rasa_test else ())
    lines: list[str] = []
    for path, rows in per_set.items():
        title = f"== {shown(path)} ({len(labelled[path])} messages)"
        lines += table(title, set_metrics, rows) + [""]
    lines += table(
        f"== per pipeline (latency over all {sum(map(len, labelled.values()))} messages)",
        RUN_METRICS,
        per_run,
    )
    print("\n".join(lines))
    figures_file = results_dir / "figures.json"
    figures_file.write_text(
        json.dumps(
            {"sets": {shown(p): r for p, r in per_set.items()}, "runs": per_run},
            ensure_ascii=False,
            indent=1,
        ),
        "utf-8",
    )
    print(f"figures: {figures_file}; mismatches: {results_dir}/<set>/<pipeline>/errors.json")


if __name__ == "__main__":
    main()
