#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json for the 宁安镇 (中宁县, 宁夏) 2024 chat.

Checks every line (JSON, keys, ids, order, year bounds, contrib shape, corrected_by links) and that
  - count/amount figures of expected.json equal the plain sum of in-year, non-extra contribs
    (units normalised: a figure in 万份 is compared with contribs in 份 ×10000);
  - stock/rate figures equal the latest in-year statement;
  - every non-extra contrib belongs to an expected figure, and no extra contrib does.
Run: python3 check.py   (exit status 0 = pass)
"""
import json, os, re, sys, datetime
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "hy47-"
YEAR = 2024
ROOM = "宁安镇法治工作群"
SECTIONS = {"study", "leadership", "functions", "rules", "decisions", "enforcement", "emergency",
            "disputes", "oversight", "digital", "publicity", "legal_services"}
KINDS = {"count", "amount", "stock", "rate"}
REQ = {"id", "time", "room", "sender", "text", "contrib"}
OPT = {"outside_year", "corrected_by"}
CREQ = {"section", "activity", "value", "unit", "kind"}
COPT = {"extra"}
SCALE = {"万份": ("份", 10000), "万元": ("元", 10000), "万人次": ("人次", 10000), "万人": ("人", 10000)}

errors = []
def err(msg):
    errors.append(msg)

def norm(unit, value):
    if unit in SCALE:
        base, k = SCALE[unit]
        return base, Fraction(str(value)) * k
    return unit, Fraction(str(value))

msgs = []
with open(os.path.join(HERE, "chat.jsonl"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            m = json.loads(line)
        except Exception as e:
            err(f"line {n}: not JSON ({e})"); continue
        msgs.append(m)

prev_t = None
ids = {}
senders = set()
for n, m in enumerate(msgs, 1):
    keys = set(m)
    if not REQ <= keys:
        err(f"line {n}: missing keys {REQ - keys}")
    if keys - REQ - OPT:
        err(f"line {n}: unknown keys {keys - REQ - OPT}")
    if m.get("id") != f"{PREFIX}{n:04d}":
        err(f"line {n}: id {m.get('id')} != {PREFIX}{n:04d}")
    ids[m.get("id")] = n
    if m.get("room") != ROOM:
        err(f"line {n}: room {m.get('room')}")
    if not isinstance(m.get("sender"), str) or not m["sender"]:
        err(f"line {n}: bad sender")
    senders.add(m.get("sender"))
    if not isinstance(m.get("text"), str) or not m["text"].strip():
        err(f"line {n}: empty text")
    t = m.get("time", "")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", t):
        err(f"line {n}: bad time {t}"); continue
    dt = datetime.datetime.fromisoformat(t)
    if prev_t and dt <= prev_t:
        err(f"line {n}: time not increasing")
    prev_t = dt
    out = m.get("outside_year", False)
    if out not in (True, False):
        err(f"line {n}: outside_year must be true if present")
    if out and dt.year == YEAR:
        err(f"line {n}: outside_year but time is in {YEAR}")
    if not out and dt.year != YEAR:
        err(f"line {n}: time outside {YEAR} without outside_year")
    if not isinstance(m.get("contrib"), list):
        err(f"line {n}: contrib not a list"); continue
    for c in m["contrib"]:
        ck = set(c)
        if not CREQ <= ck or ck - CREQ - COPT:
            err(f"line {n}: bad contrib keys {sorted(ck)}")
            continue
        if c["section"] not in SECTIONS:
            err(f"line {n}: bad section {c['section']}")
        if c["kind"] not in KINDS:
            err(f"line {n}: bad kind {c['kind']}")
        if not isinstance(c["value"], (int, float)) or isinstance(c["value"], bool):
            err(f"line {n}: bad value {c['value']}")
        if "extra" in c and c["extra"] is not True:
            err(f"line {n}: extra must be true if present")

for n, m in enumerate(msgs, 1):
    cb = m.get("corrected_by")
    if cb is not None:
        if cb not in ids:
            err(f"line {n}: corrected_by {cb} unknown")
        elif ids[cb] <= n:
            err(f"line {n}: corrected_by {cb} is not later")
        elif not msgs[ids[cb] - 1]["contrib"]:
            err(f"line {n}: correcting message {cb} has no contrib")

if not 6 <= len(senders) <= 10:
    err(f"{len(senders)} senders, want 6-10")

with open(os.path.join(HERE, "expected.json"), encoding="utf-8") as f:
    expected = json.load(f)

exp_keys = {}
for e in expected:
    base, val = norm(e["unit"], e["value"])
    exp_keys[(e["section"], e["activity"], base)] = (e, val)

sums = {k: Fraction(0) for k in exp_keys}
latest = {k: None for k in exp_keys}
for n, m in enumerate(msgs, 1):
    if m.get("outside_year"):
        continue
    for c in m.get("contrib", []):
        if not CREQ <= set(c):
            continue
        base, val = norm(c["unit"], c["value"])
        k = (c["section"], c["activity"], base)
        if c.get("extra"):
            if k in exp_keys:
                err(f"line {n}: extra contrib collides with report figure {k}")
            continue
        if k not in exp_keys:
            err(f"line {n}: non-extra contrib {k} matches no expected figure")
            continue
        e, _ = exp_keys[k]
        if c["kind"] != e["kind"]:
            err(f"line {n}: kind {c['kind']} != {e['kind']} for {k}")
        sums[k] += val
        latest[k] = val

for k, (e, val) in exp_keys.items():
    got = sums[k] if e["kind"] in ("count", "amount") else latest[k]
    status = "ok" if got == val else "MISMATCH"
    print(f"{status:8} {e['section']:15} {e['activity']:12} expected {val} {k[2]}  got {got}")
    if got != val:
        err(f"figure {k}: expected {val}, got {got}")

print(f"{len(msgs)} messages, {len(senders)} senders, {len(expected)} figures")
if errors:
    print("FAIL")
    for x in errors:
        print("  ", x)
    sys.exit(1)
print("PASS")
