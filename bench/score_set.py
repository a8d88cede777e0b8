"""Score one trained model on one labelled set, once: intent accuracy and fact P/R/F1.

    .venv/bin/python bench/score_set.py SET.jsonl [--model M] [--errors FILE]

Use it for a fresh set written by someone who never saw the project: run it once, before any
tuning, and report that figure. `--canonical` also prints the figures with measure words that
the ledger sums together (起/宗 as 件, 名/位 as 人, 场次 as 场) treated as equal.

`--follow-ups` also reads every message as a possible follow-up of the set's last logged message
before it (nlu/follow_up.py), as if one person had sent the whole set in one room within the
window: the worst case for a set of single messages, where every topic the step takes is one the
writer did not mean. It prints how many messages the step read and the figures with them.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nlu_score import Score, score  # noqa: E402


def load_set(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def report(name: str, result: Score) -> dict:
    figures = {
        "set": name,
        "messages": result.messages,
        "intent_accuracy": round(result.intent_accuracy, 4),
        "fact_precision": round(result.precision, 4),
        "fact_recall": round(result.recall, 4),
        "fact_f1": round(result.f1, 4),
        "facts_expected": result.facts_expected,
        "oos_messages_with_facts": result.oos_messages_with_facts,
    }
    if result.correction_expected:
        figures["correction_accuracy"] = round(
            result.correction_right / result.correction_expected, 4
        )
    if result.query_expected:
        figures["query_accuracy"] = round(result.query_right / result.query_expected, 4)
    return figures


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("sets", nargs="+", type=Path)
    args.add_argument("--model", type=Path, default=None)
    args.add_argument("--errors", type=Path, default=None, help="write mismatches here (jsonl)")
    args.add_argument(
        "--ask-below",
        type=float,
        action="append",
        default=[],
        help="also score asking first when a fact's confidence is below this (repeatable)",
    )
    args.add_argument(
        "--follow-ups",
        action="store_true",
        help="also score each message read as a follow-up of the last logged one before it",
    )
    opts = args.parse_args()

    from bot.logs import configure_logging

    configure_logging("WARNING")
    from nlu.parser import Parser, load_parser

    parser = Parser.load(opts.model) if opts.model else load_parser()
    for path in opts.sets:
        items = load_set(path)
        parsed = [
            parser.parse(item["text"], datetime.fromisoformat(item["now"]), id=item["id"])
            for item in items
        ]
        predicted = [result.to_dict() for result in parsed]
        result = score(items, predicted)
        canonical = score(items, predicted, canonical_units=True)
        figures = report(path.name, result)
        figures["fact_f1_canonical_units"] = round(canonical.f1, 4)
        print(json.dumps(figures, ensure_ascii=False))
        if opts.errors:
            with opts.errors.open("a", encoding="utf-8") as out:
                for error in result.errors:
                    out.write(json.dumps({"set": path.name, **error}, ensure_ascii=False) + "\n")
        for threshold in opts.ask_below:
            print(json.dumps({"set": path.name, **asking(items, parsed, threshold)}))
        if opts.follow_ups:
            print(json.dumps(following(path.name, items, parsed), ensure_ascii=False))


def asking(items: list[dict], parsed: list, threshold: float) -> dict:
    """What asking before logging would do: the facts logged at once (those of messages with
    no fact below `threshold`), their precision and recall, and the share of work messages
    asked about, with how many of those questions proposed exactly the right facts."""
    auto_expected = [dict(item) for item in items]
    auto_predicted: list[dict] = []
    asked = asked_right = logs = 0
    for item, result in zip(items, parsed, strict=True):
        output = result.to_dict()
        if result.intent == "log_activity" and result.work:
            logs += 1
            if min(f.confidence for f in result.work) < threshold:
                asked += 1
                single = score([item], [output])
                asked_right += single.facts_right == single.facts_expected == single.facts_predicted
                output = {**output, "facts": []}
        auto_predicted.append(output)
    auto = score(auto_expected, auto_predicted)
    return {
        "ask_below": threshold,
        "asked_share_of_logs": round(asked / logs, 4) if logs else 0.0,
        "asked_exactly_right": asked_right,
        "asked": asked,
        "auto_precision": round(auto.precision, 4),
        "auto_recall": round(auto.recall, 4),
    }


def following(name: str, items: list[dict], parsed: list) -> dict:
    """The set's figures with each message read as a follow-up of the last one logged before
    it (every message within the window, one sender, one room), and how many were read so."""
    from dataclasses import replace

    from nlu.follow_up import Topic, read_follow_up
    from taizhang.settings import Settings

    settings = Settings()
    threshold = settings.confidence_threshold
    topic: list[Topic] = []
    results, changed = [], []
    for index, (item, result) in enumerate(zip(items, parsed, strict=True)):
        now = datetime.fromisoformat(item["now"])
        read = read_follow_up(
            item["text"], now, result, topic, settings.follow_up_section_confidence
        )
        if read is not None:
            changed.append(index)
            result = replace(read, confidence=max(read.confidence, threshold))
        results.append(result)
        if result.intent == "log_activity" and result.confidence >= threshold and result.work:
            topic = [Topic(f.section, f.activity, f.unit, f.date, f.role) for f in result.work]
    chained = score(items, [r.to_dict() for r in results])
    alone = [parsed[i].to_dict() for i in changed]
    read_alone = score([items[i] for i in changed], alone)
    read_after = score([items[i] for i in changed], [results[i].to_dict() for i in changed])
    return {
        "set": name,
        "follow_ups_read": len(changed),
        "intent_accuracy": round(chained.intent_accuracy, 4),
        "fact_f1": round(chained.f1, 4),
        "oos_messages_with_facts": chained.oos_messages_with_facts,
        "read_messages_facts_right_alone": read_alone.facts_right,
        "read_messages_facts_right_as_follow_ups": read_after.facts_right,
        "read_messages_facts_expected": read_alone.facts_expected,
    }


if __name__ == "__main__":
    main()
