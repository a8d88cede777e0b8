#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json for hy79-cangcheng (苍城镇, 2020)."""
import json, os, re, sys, datetime
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = "hy79-cangcheng"
YEAR = 2020
ROOM = "苍城镇法治工作群"
SECTIONS = {"study", "leadership", "functions", "rules", "decisions", "enforcement", "emergency",
            "disputes", "oversight", "digital", "publicity", "legal_services"}
KINDS = {"count", "amount", "stock", "rate"}
REQ = {"id", "time", "room", "sender", "text", "contrib"}
OPT = {"outside_year", "corrected_by"}
CKEYS = {"section", "activity", "value", "unit", "kind"}
errors = []
def err(m): errors.append(m)

msgs = []
with open(os.path.join(HERE, "chat.jsonl"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        if not line.strip():
            err(f"line {n}: empty line"); continue
        try:
            msgs.append(json.loads(line))
        except Exception as e:
            err(f"line {n}: bad JSON {e}")
expected = json.load(open(os.path.join(HERE, "expected.json"), encoding="utf-8"))

ids = {}
prev = None
senders = set()
for n, m in enumerate(msgs, 1):
    keys = set(m)
    if not REQ <= keys: err(f"{n}: missing keys {REQ - keys}")
    if keys - REQ - OPT: err(f"{n}: unknown keys {keys - REQ - OPT}")
    want = f"{FOLDER}-{n:04d}"
    if m.get("id") != want: err(f"{n}: id {m.get('id')} != {want}")
    ids[m.get("id")] = n
    if m.get("room") != ROOM: err(f"{n}: room {m.get('room')}")
    if not isinstance(m.get("text"), str) or not m["text"].strip(): err(f"{n}: empty text")
    if not isinstance(m.get("sender"), str) or not m["sender"]: err(f"{n}: empty sender")
    senders.add(m.get("sender"))
    t = m.get("time", "")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", t):
        err(f"{n}: bad time {t}"); continue
    dt = datetime.datetime.fromisoformat(t)
    if prev and dt <= prev: err(f"{n}: time not increasing")
    prev = dt
    outside = dt.year != YEAR
    if outside != bool(m.get("outside_year", False)): err(f"{n}: outside_year flag wrong")
    if "outside_year" in m and m["outside_year"] is not True: err(f"{n}: outside_year must be true when present")
    if not (datetime.date(YEAR - 1, 12, 1) <= dt.date() <= datetime.date(YEAR + 1, 1, 31)):
        err(f"{n}: time too far outside the year")
    if not isinstance(m.get("contrib"), list): err(f"{n}: contrib not a list"); continue
    for c in m["contrib"]:
        ck = set(c)
        if not CKEYS <= ck or ck - CKEYS - {"extra"}: err(f"{n}: bad contrib keys {ck}")
        if c.get("section") not in SECTIONS: err(f"{n}: bad section {c.get('section')}")
        if c.get("kind") not in KINDS: err(f"{n}: bad kind {c.get('kind')}")
        if not isinstance(c.get("value"), (int, float)) or isinstance(c.get("value"), bool): err(f"{n}: bad value")
        if "extra" in c and c["extra"] is not True: err(f"{n}: extra must be true when present")
        if not c.get("activity") or not c.get("unit"): err(f"{n}: empty activity/unit")

for n, m in enumerate(msgs, 1):
    cb = m.get("corrected_by")
    if cb is not None:
        if cb not in ids: err(f"{n}: corrected_by {cb} unknown")
        elif ids[cb] <= n: err(f"{n}: corrected_by must point to a later message")

# ledger over in-year messages
fig_keys = {(e["section"], e["activity"], e["unit"], e["kind"]) for e in expected}
total = defaultdict(float)
latest = {}
for n, m in enumerate(msgs, 1):
    if m.get("outside_year"): continue
    for c in m.get("contrib", []):
        k = (c["section"], c["activity"], c["unit"], c["kind"])
        if c.get("extra"):
            if k in fig_keys: err(f"{n}: extra contrib collides with a report figure {k}")
            continue
        if k not in fig_keys: err(f"{n}: non-extra contrib {k} is not a report figure (mark extra)")
        if c["kind"] in ("count", "amount"): total[k] += c["value"]
        else: latest[k] = c["value"]
for e in expected:
    for key in ("section", "activity", "value", "unit", "kind", "quote"):
        if key not in e: err(f"expected: missing {key} in {e}")
    k = (e["section"], e["activity"], e["unit"], e["kind"])
    got = total.get(k, 0) if e["kind"] in ("count", "amount") else latest.get(k)
    if got is None or abs(got - e["value"]) > 1e-9:
        err(f"figure {k}: ledger {got} != expected {e['value']}")
    else:
        print(f"ok  {e['section']:<10} {e['activity']}: {got:g} {e['unit']} ({e['kind']})")

n_in = sum(1 for m in msgs if not m.get("outside_year"))
print(f"{len(msgs)} messages ({n_in} in {YEAR}, {len(msgs) - n_in} outside), {len(senders)} senders")
if errors:
    print("\n".join("ERROR " + e for e in errors))
    sys.exit(1)
print("check.py: all checks passed")
