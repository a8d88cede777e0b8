#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json (and figures.jsonl) for hy26-xinhua.

Checks: every line is JSON with the required keys; ids are <folder>-NNNN, consecutive and unique;
times are ISO-8601 +08:00 and non-decreasing; messages inside 2025 have no outside_year flag and
messages outside 2025 carry outside_year: true; contrib items are well formed; corrected_by points
to a later message; sums (count/amount) and latest values (stock/rate) over the in-year,
non-extra contribs equal expected.json; expected.json covers every figure of figures.jsonl
whose kind is not target and whose section is not other.
"""
import json, os, re, sys
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.basename(HERE)
YEAR = 2025
SECTIONS = {"study", "leadership", "functions", "rules", "decisions", "enforcement", "emergency",
            "disputes", "oversight", "digital", "publicity", "legal_services"}
KINDS = {"count", "amount", "stock", "rate"}
REQ = {"id", "time", "room", "sender", "text", "contrib"}
OPT = {"outside_year", "corrected_by"}
errors = []


def err(msg):
    errors.append(msg)


msgs = []
with open(os.path.join(HERE, "chat.jsonl"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            m = json.loads(line)
        except Exception as ex:
            err(f"line {n}: not JSON ({ex})")
            continue
        msgs.append(m)
        keys = set(m)
        if not REQ <= keys:
            err(f"line {n}: missing keys {REQ - keys}")
        if keys - REQ - OPT:
            err(f"line {n}: unknown keys {keys - REQ - OPT}")
        if m.get("id") != f"{FOLDER}-{n:04d}":
            err(f"line {n}: id {m.get('id')} should be {FOLDER}-{n:04d}")
        if not isinstance(m.get("text"), str) or not m["text"].strip():
            err(f"line {n}: empty text")
        if not isinstance(m.get("sender"), str) or not m["sender"]:
            err(f"line {n}: empty sender")

rooms = {m.get("room") for m in msgs}
if len(rooms) != 1:
    err(f"more than one room: {rooms}")

prev = None
id_index = {m.get("id"): i for i, m in enumerate(msgs)}
for i, m in enumerate(msgs):
    t = m.get("time", "")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", t):
        err(f"{m.get('id')}: bad time {t}")
        continue
    dt = datetime.fromisoformat(t)
    if prev and dt < prev:
        err(f"{m['id']}: time goes backwards")
    prev = dt
    inside = dt.year == YEAR
    if inside and m.get("outside_year"):
        err(f"{m['id']}: in {YEAR} but flagged outside_year")
    if not inside and m.get("outside_year") is not True:
        err(f"{m['id']}: outside {YEAR} but not flagged outside_year")
    if "outside_year" in m and m["outside_year"] is not True:
        err(f"{m['id']}: outside_year must be true when present")
    if not isinstance(m.get("contrib"), list):
        err(f"{m['id']}: contrib not a list")
        continue
    for k in m["contrib"]:
        if not {"section", "activity", "value", "unit", "kind"} <= set(k):
            err(f"{m['id']}: contrib missing keys {k}")
            continue
        if set(k) - {"section", "activity", "value", "unit", "kind", "extra"}:
            err(f"{m['id']}: contrib unknown keys {k}")
        if k["section"] not in SECTIONS:
            err(f"{m['id']}: bad section {k['section']}")
        if k["kind"] not in KINDS:
            err(f"{m['id']}: bad kind {k['kind']}")
        if not isinstance(k["value"], (int, float)) or isinstance(k["value"], bool):
            err(f"{m['id']}: value not a number {k}")
        if "extra" in k and k["extra"] is not True:
            err(f"{m['id']}: extra must be true when present")
    cb = m.get("corrected_by")
    if cb is not None:
        if cb not in id_index:
            err(f"{m['id']}: corrected_by {cb} not found")
        elif id_index[cb] <= i:
            err(f"{m['id']}: corrected_by {cb} is not later")
        elif msgs[id_index[cb]]["sender"] != m["sender"]:
            err(f"{m['id']}: corrected by another sender")

# ledger over in-year messages
sums, latest = {}, {}
for m in msgs:
    if m.get("outside_year"):
        continue
    for k in m.get("contrib", []):
        if k.get("extra"):
            continue
        key = (k["section"], k["activity"], k["unit"], k["kind"])
        if k["kind"] in ("stock", "rate"):
            latest[key] = k["value"]
        else:
            sums[key] = sums.get(key, 0) + k["value"]

with open(os.path.join(HERE, "expected.json"), encoding="utf-8") as f:
    expected = json.load(f)
seen = set()
for x in expected:
    key = (x["section"], x["activity"], x["unit"], x["kind"])
    seen.add(key)
    got = latest.get(key) if x["kind"] in ("stock", "rate") else sums.get(key)
    if got is None or abs(got - x["value"]) > 1e-9:
        err(f"figure {key}: chat gives {got}, expected {x['value']}")
    if not x.get("quote"):
        err(f"figure {key}: no quote")
for key in set(sums) | set(latest):
    if key not in seen:
        err(f"non-extra contrib {key} is not an expected figure (mark it extra?)")

fig_path = os.path.join(HERE, "figures.jsonl")
if os.path.exists(fig_path):
    with open(fig_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            g = json.loads(line)
            if g["kind"] == "target" or g["section"] == "other":
                continue
            key = (g["section"], g["activity"], g["unit"], g["kind"])
            if key not in seen:
                err(f"report figure {key} not covered by expected.json")
            else:
                x = next(x for x in expected if (x["section"], x["activity"], x["unit"], x["kind"]) == key)
                if x["value"] != g["value"]:
                    err(f"report figure {key}: expected.json {x['value']} vs figures.jsonl {g['value']}")

n_in = sum(1 for m in msgs if not m.get("outside_year"))
print(f"{len(msgs)} messages ({n_in} in {YEAR}), {len(expected)} figures checked")
if errors:
    print("FAIL")
    for e in errors:
        print("  " + e)
    sys.exit(1)
print("OK")
