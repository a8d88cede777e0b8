#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json for hy45-liaoning (中长街道, 2025).

- every line is JSON with the required keys and types; ids run hy45-liaoning-0001… without gaps;
  times are ISO with +08:00 and never go backwards;
- messages outside 2025 carry "outside_year": true (and only they do), and sit at the two edges;
- contrib items have section/activity/value/unit/kind (detail and extra optional), valid sections/kinds;
- corrected_by points to a later message in the file;
- over in-year messages and non-extra contribs: count/amount figures = sum of values,
  stock/rate figures = value of the latest statement; keyed by (section, activity, detail, unit, kind)
  because several report figures share an activity name. Every such key must be in expected.json
  and every expected figure must be matched exactly.
"""
import json, re, sys, os, datetime as dt

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = "hy45-liaoning"
YEAR = 2025
ROOM = "中长街道法治工作群"
SECTIONS = {"study", "leadership", "functions", "rules", "decisions", "enforcement", "emergency",
            "disputes", "oversight", "digital", "publicity", "legal_services"}
KINDS = {"count", "amount", "stock", "rate"}
REQ = {"id", "time", "room", "sender", "text", "contrib"}
OPT = {"outside_year", "corrected_by", "note"}
errors = []

def err(msg):
    errors.append(msg)

msgs = []
with open(os.path.join(HERE, "chat.jsonl"), encoding="utf-8") as fh:
    for n, line in enumerate(fh, 1):
        try:
            o = json.loads(line)
        except Exception as e:
            err(f"line {n}: not JSON ({e})"); continue
        keys = set(o)
        if not REQ <= keys:
            err(f"line {n}: missing keys {REQ - keys}")
        if keys - REQ - OPT:
            err(f"line {n}: unknown keys {keys - REQ - OPT}")
        msgs.append(o)

idx = {}
prev_t = None
senders = set()
for i, o in enumerate(msgs, 1):
    if o.get("id") != f"{FOLDER}-{i:04d}":
        err(f"line {i}: id {o.get('id')} should be {FOLDER}-{i:04d}")
    idx[o.get("id")] = i
    if o.get("room") != ROOM:
        err(f"{o.get('id')}: room {o.get('room')}")
    if not isinstance(o.get("text"), str) or not o["text"].strip():
        err(f"{o.get('id')}: empty text")
    if not isinstance(o.get("sender"), str) or not o["sender"]:
        err(f"{o.get('id')}: sender")
    senders.add(o.get("sender"))
    ts = o.get("time", "")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", ts):
        err(f"{o.get('id')}: bad time {ts}"); continue
    t = dt.datetime.fromisoformat(ts)
    if prev_t and t < prev_t:
        err(f"{o['id']}: time goes backwards")
    prev_t = t
    outside = t.year != YEAR
    if outside != bool(o.get("outside_year", False)):
        err(f"{o['id']}: outside_year flag wrong for {ts}")
    if "outside_year" in o and o["outside_year"] is not True:
        err(f"{o['id']}: outside_year must be true when present")
    if not isinstance(o.get("contrib"), list):
        err(f"{o['id']}: contrib not a list"); continue
    for c in o["contrib"]:
        ck = set(c)
        need = {"section", "activity", "value", "unit", "kind"}
        if not need <= ck:
            err(f"{o['id']}: contrib missing {need - ck}")
        if ck - need - {"detail", "extra"}:
            err(f"{o['id']}: contrib unknown keys {ck - need - {'detail', 'extra'}}")
        if c.get("section") not in SECTIONS:
            err(f"{o['id']}: bad section {c.get('section')}")
        if c.get("kind") not in KINDS:
            err(f"{o['id']}: bad kind {c.get('kind')}")
        if not isinstance(c.get("value"), (int, float)) or isinstance(c.get("value"), bool):
            err(f"{o['id']}: value not numeric")
        if "extra" in c and c["extra"] is not True:
            err(f"{o['id']}: extra must be true when present")

# outside-year messages only at the edges, and at both edges
years = [dt.datetime.fromisoformat(o["time"]).year for o in msgs if "time" in o]
inyear = [i for i, y in enumerate(years) if y == YEAR]
if inyear:
    a, b = inyear[0], inyear[-1]
    if any(y != YEAR for y in years[a:b + 1]):
        err("outside-year message in the middle of the year")
    if not (a > 0 and years[0] < YEAR):
        err("no message before the year")
    if not (b < len(years) - 1 and years[-1] > YEAR):
        err("no message after the year")

# corrections
for o in msgs:
    cb = o.get("corrected_by")
    if cb is not None:
        if cb not in idx:
            err(f"{o['id']}: corrected_by {cb} unknown")
        elif idx[cb] <= idx[o["id"]]:
            err(f"{o['id']}: corrected_by {cb} is not later")
        elif not msgs[idx[cb] - 1]["contrib"]:
            err(f"{o['id']}: correcting message {cb} has no contrib")

# ledger
def key(c):
    return (c["section"], c["activity"], c.get("detail"), c["unit"], c["kind"])

sums, latest = {}, {}
for o in msgs:
    if o.get("outside_year"):
        continue
    for c in o["contrib"]:
        if c.get("extra"):
            continue
        k = key(c)
        if c["kind"] in ("count", "amount"):
            sums[k] = sums.get(k, 0) + c["value"]
        else:
            latest[k] = c["value"]

expected = json.load(open(os.path.join(HERE, "expected.json"), encoding="utf-8"))
ekeys = set()
for e in expected:
    for f in ("section", "activity", "value", "unit", "kind", "quote"):
        if f not in e:
            err(f"expected: missing {f} in {e}")
    k = (e["section"], e["activity"], e.get("detail"), e["unit"], e["kind"])
    if k in ekeys:
        err(f"expected: duplicate key {k}")
    ekeys.add(k)
    got = sums.get(k) if e["kind"] in ("count", "amount") else latest.get(k)
    if got is None or abs(got - e["value"]) > 1e-9:
        err(f"figure {k}: expected {e['value']}, ledger gives {got}")
for k in set(sums) | set(latest):
    if k not in ekeys:
        err(f"non-extra contrib key not in expected.json: {k}")

# the report's own figures: count/amount/stock/rate, excluding target and section other
figs = [json.loads(l) for l in open(os.path.join(HERE, "figures.jsonl"), encoding="utf-8")]
want = {(f["section"], f["activity"], f["activity_detail"], f["unit"], f["kind"]): f["value"]
        for f in figs if f["kind"] != "target" and f["section"] != "other"}
for k, v in want.items():
    if k not in ekeys:
        err(f"report figure not covered in expected.json: {k}")
for e in expected:
    k = (e["section"], e["activity"], e.get("detail"), e["unit"], e["kind"])
    if k in want and want[k] != e["value"]:
        err(f"expected.json value differs from figures.jsonl for {k}")

n_extra = sum(1 for o in msgs for c in o["contrib"] if c.get("extra"))
print(f"{len(msgs)} messages, {len(senders)} senders, {len(expected)} figures checked, {n_extra} extra contribs")
if errors:
    print("FAIL")
    for e in errors[:50]:
        print(" -", e)
    sys.exit(1)
print("OK")
