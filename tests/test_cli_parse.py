"""`taizhang parse` as outside checks call it: a fresh process, JSON on stdout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAIZHANG = [sys.executable, "-m", "bot.cli"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*TAIZHANG, *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=300
    )


def test_parse_text_prints_one_json_object(parser):  # the fixture makes sure a model exists
    done = run("parse", "今天调解纠纷3件", "--now", "2024-05-16T10:30:00+08:00", "--json")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert out["intent"] == "log_activity"
    assert [(f["section"], f["value"], f["unit"], f["date"]) for f in out["facts"]] == [
        ("disputes", 3, "件", "2024-05-16")
    ]


def test_parse_jsonl_keeps_order_and_ids_and_reports_bad_lines(parser, tmp_path):
    lines = [
        {"id": "a", "text": "收到", "now": "2024-05-16T10:30:00+08:00"},
        "this is not json",
        {"id": 3, "text": "昨天调解纠纷2件", "now": "2024-05-16T10:30:00+08:00"},
        {"id": "d", "text": "上周五组织干部学法1次", "now": "2024-05-16T10:30:00+08:00"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines),
        encoding="utf-8",
    )
    done = run("parse", "--jsonl", str(path))
    assert done.returncode == 0, done.stderr
    outs = [json.loads(x) for x in done.stdout.strip().splitlines()]
    assert [o["id"] for o in outs] == ["a", None, 3, "d"]
    assert outs[1]["line"] == 2 and "error" in outs[1]
    assert outs[0]["intent"] == "out_of_scope" and outs[0]["facts"] == []
    assert [(f["value"], f["date"]) for f in outs[2]["facts"]] == [(2, "2024-05-15")]
    assert [f["date"] for f in outs[3]["facts"]] == ["2024-05-10"]


def test_parse_rejects_a_bad_time_politely(parser):
    done = run("parse", "今天调解纠纷3件", "--now", "not-a-time", "--json")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "--now" in done.stderr


def test_first_parse_trains_the_missing_model_and_keeps_stdout_pure_json(tmp_path):
    import os

    env = {**os.environ, "TAIZHANG_MODEL_DIR": str(tmp_path / "models")}
    done = subprocess.run(
        [*TAIZHANG, "parse", "收到", "--now", "2024-05-16T10:30:00+08:00", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # a whole training (about 7.5 min alone on 2 cores) beside the other test worker
        timeout=1200,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["intent"] == "out_of_scope"  # nothing but the object
    assert list((tmp_path / "models").glob("config-*.tar.gz"))
