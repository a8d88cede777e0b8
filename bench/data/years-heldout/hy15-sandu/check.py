#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json (hy15-sandu, 三都镇 2025)."""
import json, os, re, sys, datetime
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = "hy15-sandu"
ROOM = "三都镇法治工作群"
YEAR = 2025
SECTIONS = {"study", "leadership", "functions", "rules", "decisions", "enforcement", "emergency",
            "disputes", "oversight", "digital", "publicity", "legal_services"}
REQ = {"id", "time", "room", "sender", "text", "contrib"}
OPT = {"outside_year", "corrected_by"}
CKEYS = {"section", "activity", "value", "unit", "kind"}

errors = []
def err(msg): errors.append(msg)

expected = json.load(open(os.path.join(HERE, "expected.json"), encoding="utf-8"))
exp_keys = {}
for e in expected:
    for k in ("section", "activity", "value", "unit", "kind", "quote"):
        if k not in e: err(f"expected.json entry lacks {k}: {e}")
    if e["kind"] not in ("count", "amount", "stock", "rate"): err(f"bad kind in expected: {e}")
    exp_keys[(e["section"], e["activity"], e["unit"])] = e

msgs = []
with open(os.path.join(HERE, "chat.jsonl"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            msgs.append(json.loads(line))
        except Exception as ex:
            err(f"line {n}: not JSON ({ex})")

ids = {}
prev_t = None
senders = set()
for i, m in enumerate(msgs, 1):
    keys = set(m)
    if not REQ <= keys: err(f"{m.get('id')}: missing keys {REQ - keys}")
    if keys - REQ - OPT: err(f"{m.get('id')}: unknown keys {keys - REQ - OPT}")
    if m.get("id") != f"{FOLDER}-{i:04d}": err(f"line {i}: id {m.get('id')} not sequential")
    ids[m["id"]] = i
    if m.get("room") != ROOM: err(f"{m['id']}: room {m.get('room')}")
    if not isinstance(m.get("text"), str) or not m["text"].strip(): err(f"{m['id']}: empty text")
    if not isinstance(m.get("sender"), str) or not m["sender"]: err(f"{m['id']}: no sender")
    senders.add(m["sender"])
    if re.search(r"\{(pf|fg|bj|px|zx)\}", m["text"]): err(f"{m['id']}: unfilled placeholder")
    try:
        t = datetime.datetime.fromisoformat(m["time"])
        assert m["time"].endswith("+08:00")
    except Exception:
        err(f"{m['id']}: bad time {m.get('time')}"); continue
    if prev_t and t < prev_t: err(f"{m['id']}: out of time order")
    prev_t = t
    out = t.year != YEAR
    if out and m.get("outside_year") is not True: err(f"{m['id']}: outside {YEAR} but not flagged")
    if not out and "outside_year" in m: err(f"{m['id']}: flagged outside_year but in {YEAR}")
    if not isinstance(m["contrib"], list): err(f"{m['id']}: contrib not a list"); continue
    for c in m["contrib"]:
        ck = set(c)
        if not CKEYS <= ck or ck - CKEYS - {"extra"}: err(f"{m['id']}: bad contrib keys {ck}")
        if c.get("section") not in SECTIONS: err(f"{m['id']}: bad section {c.get('section')}")
        if c.get("kind") not in ("count", "amount", "stock", "rate"): err(f"{m['id']}: bad kind {c.get('kind')}")
        if not isinstance(c.get("value"), (int, float)) or isinstance(c.get("value"), bool): err(f"{m['id']}: bad value")
        k = (c.get("section"), c.get("activity"), c.get("unit"))
        if c.get("extra"):
            if k in exp_keys: err(f"{m['id']}: extra contrib uses a report figure {k}")
        elif k not in exp_keys:
            err(f"{m['id']}: non-extra contrib {k} not in expected.json")
        elif exp_keys[k]["kind"] != c["kind"]:
            err(f"{m['id']}: kind mismatch for {k}")

for m in msgs:
    cb = m.get("corrected_by")
    if cb is not None:
        if cb not in ids: err(f"{m['id']}: corrected_by {cb} unknown")
        elif ids[cb] <= ids[m["id"]]: err(f"{m['id']}: corrected_by points backwards")
        elif msgs[ids[cb] - 1]["sender"] != m["sender"]: err(f"{m['id']}: corrected by another sender")
        elif not msgs[ids[cb] - 1]["contrib"]: err(f"{cb}: correcting message has no contrib")

# sums and latest values over in-year messages
sums, latest = {}, {}
for m in msgs:
    if m.get("outside_year"): continue
    for c in m["contrib"]:
        k = (c["section"], c["activity"], c["unit"])
        if c["kind"] in ("count", "amount"):
            sums[k] = sums.get(k, Decimal(0)) + Decimal(str(c["value"]))
        else:
            latest[k] = Decimal(str(c["value"]))

for k, e in exp_keys.items():
    want = Decimal(str(e["value"]))
    got = sums.get(k) if e["kind"] in ("count", "amount") else latest.get(k)
    if got is None or got != want:
        err(f"figure {k}: expected {want}, got {got}")
    else:
        print(f"ok  {e['section']:<10} {e['activity']}: {got} {e['unit']} ({e['kind']})")

n_in = sum(1 for m in msgs if not m.get("outside_year"))
print(f"{len(msgs)} messages ({n_in} in {YEAR}), {len(senders)} senders, "
      f"{sum(1 for m in msgs if m['contrib'])} with contrib, "
      f"{sum(1 for m in msgs if 'corrected_by' in m)} corrected")
if errors:
    print("\n".join("ERROR " + e for e in errors)); sys.exit(1)
print("ALL CHECKS PASSED")
