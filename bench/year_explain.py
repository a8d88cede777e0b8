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
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from year_replay import ROOT, _figure  # noqa: E402


def _replay(folder: Path, work: Path, model: str | None) -> tuple[Path, dict[str, Any]]:
    """The year replayed into `work` (as year_replay does); the ledger's path and the draft."""
    chat = [json.loads(line) for line in (folder / "chat.jsonl").read_text("utf-8").splitlines()]
    year = max(
        (int(line["time"][:4]) for line in chat if not line.get("outside_year")),
        key=[int(line["time"][:4]) for line in chat].count,
    )
    town = chat[0]["room"].removesuffix("法治工作群")
    stripped = work / "chat.jsonl"
    stripped.write_text(
        "".join(
            json.dumps(
                {k: line[k] for k in ("id", "time", "room", "sender", "text")}, ensure_ascii=False
            )
            + "\n"
            for line in chat
        ),
        "utf-8",
    )
    env = {**os.environ, "TAIZHANG_DATA_DIR": str(work / "data")}
    if model:
        env["TAIZHANG_MODEL_DIR"] = model
    cli = [sys.executable, "-m", "bot.cli"]
    subprocess.run(
        [*cli, "replay", str(stripped), "--town", town],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    out = work / "report.json"
    subprocess.run(
        [
            *cli,
            "report",
            "--year",
            str(year),
            "--town",
            town,
            "--format",
            "json",
            "-o",
            str(out),
            "--as-of",
            f"{year + 1}-01-15",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return work / "data", json.loads(out.read_text("utf-8"))


def _ledger_facts(data_dir: Path) -> dict[str, list[str]]:
    """Each chat line's recorded facts, by the line's id, as short readable strings."""
    db = next(data_dir.rglob("*.sqlite*"), None) or next(data_dir.rglob("*.db"))
    engine = create_engine(f"sqlite:///{db}")
    found: dict[str, list[str]] = defaultdict(list)
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
                flag = "" if fstatus == "active" else f" [{fstatus}]"
                found[mid].append(
                    f"{section} {activity} {Decimal(str(value)).normalize():f}{unit} {role}{flag}"
                )
    return found


def explain(folder: Path, model: str | None) -> str:
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    chat = [json.loads(line) for line in (folder / "chat.jsonl").read_text("utf-8").splitlines()]
    with tempfile.TemporaryDirectory(prefix="taizhang-explain-") as tmp:
        data_dir, report = _replay(folder, Path(tmp), model)
        facts = _ledger_facts(data_dir)
    drafted: dict[str, list[str]] = defaultdict(list)
    for section in report["sections"]:
        for fact in section.get("facts") or []:
            drafted[section["id"]].append(f"{fact.get('label')} {fact['value']}{fact['unit']}")
    lines = [f"# {folder.name}"]
    for figure in expected:
        value, unit = _figure(figure["value"], figure["unit"])
        name = f"{figure['section']} {figure['activity']} {figure['value']}{figure['unit']}"
        lines.append(f"\n## {name} ({figure.get('kind')})")
        lines.append("draft: " + "; ".join(drafted.get(figure["section"], [])))
        for line in chat:
            for c in line.get("contrib") or []:
                if (
                    c.get("extra")
                    or c["section"] != figure["section"]
                    or c["activity"] != figure["activity"]
                ):
                    continue
                if _figure(c["value"], c["unit"])[1] != unit:
                    continue
                got = " | ".join(facts.get(line["id"], ["<not stored>"]))
                lines.append(f"- {c['value']}{c['unit']} ← {line['text']!r}\n    ledger: {got}")
    return "\n".join(lines) + "\n"


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("folders", nargs="+", type=Path)
    args.add_argument("--model-dir", default=None)
    args.add_argument("-o", "--output", type=Path)
    opts = args.parse_args()
    out = "".join(explain(folder, opts.model_dir) for folder in opts.folders)
    if opts.output:
        opts.output.write_text(out, "utf-8")
    else:
        print(out)


if __name__ == "__main__":
    main()
