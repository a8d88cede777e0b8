"""Why a year's figures come out wrong: for each figure of the report, the chat lines whose
author labelled a contribution to it, beside what the ledger recorded from each line.

    .venv/bin/python bench/year_explain.py FOLDER [--model-dir D] [-o FILE]

`bench/year_replay.py` says how many figures a year reproduces; this says where each missed
one was lost: a line read as chatter, a wrong number, another section, or the right facts
spread over several activity names, so that no single drafted figure holds the sum. It
replays the year into a fresh ledger exactly as year_replay does and reads the ledger back.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from year_replay import _figure, replay_year  # noqa: E402

Recorded = tuple[str, str, Decimal, str, str, str]  # section, activity, value, unit, role, status


def _ledger_facts(data_dir: Path) -> dict[str, list[Recorded | str]]:
    """Each chat line's recorded facts by the line's id; a line with none gets its intent and
    status as a string."""
    engine = create_engine(f"sqlite:///{data_dir / 'taizhang.sqlite3'}")  # settings' default
    found: dict[str, list[Recorded | str]] = defaultdict(list)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT m.channel_message_id, m.intent, m.status, f.section, f.activity, f.value, "
                "f.unit, f.role, f.status FROM messages m LEFT JOIN facts f ON f.message_id = m.id"
            )
        )
        for mid, intent, mstatus, section, activity, value, unit, role, fstatus in rows:
            if section is None:
                found[mid].append(f"<{intent} {mstatus}>")
            else:
                number = Decimal(str(value)).normalize()
                found[mid].append((section, activity, number, unit, role, fstatus))
    return found


def _show(recorded: Recorded | str) -> str:
    if isinstance(recorded, str):
        return recorded
    section, activity, value, unit, role, status = recorded
    flag = "" if status == "active" else f" [{status}]"
    return f"{section} {activity} {value:f}{unit} {role}{flag}"


def _outcome(
    recorded: list[Recorded | str], section: str, value: Decimal, unit: str, names: set[str]
) -> str:
    """What became of one labelled contribution: `right` (the figure's section, value and unit
    under the activity the figure's other lines mostly got), `other name`, `wrong value`,
    `other section`, or `no fact` (chatter, not understood, a question)."""
    facts = [r for r in recorded if not isinstance(r, str)]
    if not facts:
        return "no fact"
    here = [r for r in facts if r[0] == section]
    if not here:
        return "other section"
    same = [r for r in here if _figure(r[2], r[3]) == (value, unit)]
    if not same:
        return "wrong value"
    return "right" if any(r[1] in names for r in same) else "other name"


def explain(folder: Path, model: str | None, tally: Counter[str]) -> str:
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    with tempfile.TemporaryDirectory(prefix="taizhang-explain-") as tmp:
        chat, _, report = replay_year(folder, Path(tmp), model)
        facts = _ledger_facts(Path(tmp) / "data")
    drafted: dict[str, list[str]] = defaultdict(list)
    for section in report["sections"]:
        for fact in section.get("facts") or []:
            drafted[section["id"]].append(f"{fact.get('label')} {fact['value']}{fact['unit']}")
    lines = [f"# {folder.name}"]
    mine: Counter[str] = Counter()
    for figure in expected:
        value, unit = _figure(figure["value"], figure["unit"])
        name = f"{figure['section']} {figure['activity']} {figure['value']}{figure['unit']}"
        lines.append(f"\n## {name} ({figure.get('kind')})")
        lines.append("draft: " + "; ".join(drafted.get(figure["section"], [])))
        behind = [
            (line, c)
            for line in chat
            for c in line.get("contrib") or []
            if not c.get("extra")
            and c["section"] == figure["section"]
            and c["activity"] == figure["activity"]
            and _figure(c["value"], c["unit"])[1] == unit
        ]
        # The activity most of the figure's lines were recorded under: the one the draft sums.
        names: Counter[str] = Counter(
            r[1]
            for line, c in behind
            for r in facts.get(line["id"], [])
            if not isinstance(r, str)
            and r[0] == figure["section"]
            and _figure(r[2], r[3]) == _figure(c["value"], c["unit"])
        )
        usual = {names.most_common(1)[0][0]} if names else set()
        for line, c in behind:
            got = facts.get(line["id"], ["<not stored>"])
            amount = _figure(c["value"], c["unit"])
            outcome = (
                "correction"
                if amount[0] < 0
                else _outcome(got, figure["section"], amount[0], amount[1], usual)
            )
            mine[outcome] += 1
            lines.append(
                f"- {c['value']}{c['unit']} [{outcome}] ← {line['text']!r}\n"
                f"    ledger: {' | '.join(_show(r) for r in got)}"
            )
    tally.update(mine)
    lines.insert(1, "outcomes: " + json.dumps(dict(mine.most_common()), ensure_ascii=False))
    return "\n".join(lines) + "\n"


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("folders", nargs="+", type=Path)
    args.add_argument("--model-dir", default=None)
    args.add_argument("-o", "--output", type=Path)
    opts = args.parse_args()
    tally: Counter[str] = Counter()
    out = "".join(explain(folder, opts.model_dir, tally) for folder in opts.folders)
    print(json.dumps({"outcomes": dict(tally.most_common())}, ensure_ascii=False))
    if opts.output:
        opts.output.write_text(out, "utf-8")
    else:
        print(out)


if __name__ == "__main__":
    main()
