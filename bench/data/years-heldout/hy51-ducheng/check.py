#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json (run from anywhere: python3 check.py)."""
import json, os, re, sys
from collections import defaultdict
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = "hy51-ducheng"
ROOM = "杜城街道法治工作群"
YEAR = 2025
SECTIONS = {"study", "leadership", "functions", "rules", "decisions", "enforcement",
            "emergency", "disputes", "oversight", "digital", "publicity", "legal_services"}
KINDS = {"count", "amount", "stock", "rate"}
MSG_KEYS = {"id", "time", "room", "sender", "text", "contrib"}
OPT_KEYS = {"outside_year", "corrected_by"}
C_KEYS = {"section", "activity", "value", "unit", "kind"}
errors = []


def err(msg):
    errors.append(msg)


msgs = []
with open(os.path.join(HERE, "chat.jsonl"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            m = json.loads(line)
        except Exception as e:
            err(f"line {n}: not JSON ({e})")
            continue
        msgs.append((n, m))

ids = {}
prev_t = None
senders = set()
for idx, (n, m) in enumerate(msgs, 1):
    keys = set(m)
    if not MSG_KEYS <= keys:
        err(f"line {n}: missing keys {MSG_KEYS - keys}")
        continue
    if keys - MSG_KEYS - OPT_KEYS:
        err(f"line {n}: unknown keys {keys - MSG_KEYS - OPT_KEYS}")
    want = f"{FOLDER}-{idx:04d}"
    if m["id"] != want:
        err(f"line {n}: id {m['id']} != {want}")
    ids[m["id"]] = idx
    if m["room"] != ROOM:
        err(f"line {n}: room {m['room']}")
    if not isinstance(m["text"], str) or not m["text"].strip():
        err(f"line {n}: empty text")
    if not isinstance(m["sender"], str) or not m["sender"]:
        err(f"line {n}: empty sender")
    senders.add(m["sender"])
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", m["time"]):
        err(f"line {n}: bad time format {m['time']}")
        continue
    t = datetime.fromisoformat(m["time"])
    if prev_t and t < prev_t:
        err(f"line {n}: time goes backwards")
    prev_t = t
    out = t.year != YEAR
    if out != bool(m.get("outside_year", False)):
        err(f"line {n}: outside_year flag wrong for {m['time']}")
    if "outside_year" in m and m["outside_year"] is not True:
        err(f"line {n}: outside_year must be true when present")
    if out and t.year not in (YEAR - 1, YEAR + 1):
        err(f"line {n}: too far outside the year")
    if not isinstance(m["contrib"], list):
        err(f"line {n}: contrib not a list")
        continue
    for c in m["contrib"]:
        ck = set(c)
        if not C_KEYS <= ck or ck - C_KEYS - {"extra"}:
            err(f"line {n}: bad contrib keys {sorted(ck)}")
            continue
        if c["section"] not in SECTIONS:
            err(f"line {n}: bad section {c['section']}")
        if c["kind"] not in KINDS:
            err(f"line {n}: bad kind {c['kind']}")
        if not isinstance(c["value"], (int, float)) or isinstance(c["value"], bool):
            err(f"line {n}: bad value {c['value']}")
        if "extra" in c and c["extra"] is not True:
            err(f"line {n}: extra must be true when present")
        if not c["activity"] or not c["unit"]:
            err(f"line {n}: empty activity/unit")

# corrected_by must point to a later message
for n, m in msgs:
    cb = m.get("corrected_by")
    if cb is not None:
        if cb not in ids:
            err(f"line {n}: corrected_by {cb} unknown")
        elif ids[cb] <= ids[m["id"]]:
            err(f"line {n}: corrected_by {cb} is not later")

# ledger over the year
with open(os.path.join(HERE, "expected.json"), encoding="utf-8") as f:
    expected = json.load(f)
sums = defaultdict(float)
latest = {}
for n, m in msgs:
    if m.get("outside_year"):
        continue
    for c in m["contrib"]:
        k = (c["section"], c["activity"], c["unit"], c["kind"])
        if c.get("extra"):
            continue
        if c["kind"] in ("count", "amount"):
            sums[k] += c["value"]
        else:
            latest[k] = c["value"]
exp_keys = set()
for e in expected:
    for key in ("section", "activity", "value", "unit", "kind", "quote"):
        if key not in e:
            err(f"expected.json: missing {key} in {e}")
    k = (e["section"], e["activity"], e["unit"], e["kind"])
    exp_keys.add(k)
    got = sums.get(k) if e["kind"] in ("count", "amount") else latest.get(k)
    if got is None or abs(got - e["value"]) > 1e-9:
        err(f"figure {k}: got {got}, expected {e['value']}")
for k in set(sums) | set(latest):
    if k not in exp_keys:
        err(f"non-extra ledger line {k} is not in expected.json (mark it extra?)")

# expected.json must cover the report's figures (except target / other)
fig_path = os.path.join(HERE, "figures.jsonl")
if os.path.exists(fig_path):
    with open(fig_path, encoding="utf-8") as f:
        figs = [json.loads(l) for l in f if l.strip()]
    for g in figs:
        if g["kind"] == "target" or g["section"] == "other":
            continue
        k = (g["section"], g["activity"], g["unit"], g["kind"])
        match = [e for e in expected if (e["section"], e["activity"], e["unit"], e["kind"]) == k]
        if not match or match[0]["value"] != g["value"]:
            err(f"report figure {k}={g['value']} not covered in expected.json")

if not 6 <= len(senders) <= 10:
    err(f"{len(senders)} senders (want 6-10)")

if errors:
    print("FAIL")
    for e in errors:
        print(" -", e)
    sys.exit(1)
n_in = sum(1 for _, m in msgs if not m.get("outside_year"))
print(f"OK: {len(msgs)} messages ({n_in} in {YEAR}), {len(senders)} senders, "
      f"{len(expected)} figures match")
