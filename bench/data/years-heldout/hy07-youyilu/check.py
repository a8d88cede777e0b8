#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json for hy07-youyilu (友谊路街道, 2025)."""
import json, re, sys, os, datetime, collections

HERE = os.path.dirname(os.path.abspath(__file__))
PFX = "hy07-youyilu"
YEAR = 2025
SECTIONS = {"study", "leadership", "functions", "rules", "decisions", "enforcement",
            "emergency", "disputes", "oversight", "digital", "publicity", "legal_services"}
KINDS = {"count", "amount", "stock", "rate"}
REQ = {"id", "time", "room", "sender", "text", "contrib"}
OPT = {"outside_year", "corrected_by", "note"}
CREQ = {"section", "activity", "value", "unit", "kind"}
errors = []

def err(msg):
    errors.append(msg)

msgs = []
with open(os.path.join(HERE, "chat.jsonl"), encoding="utf-8") as fh:
    for n, line in enumerate(fh, 1):
        if not line.strip():
            err(f"line {n}: empty line"); continue
        try:
            d = json.loads(line)
        except Exception as e:
            err(f"line {n}: bad JSON {e}"); continue
        msgs.append((n, d))

ids = {}
prev_t = None
rooms = set()
for i, (n, d) in enumerate(msgs, 1):
    keys = set(d)
    if not REQ <= keys:
        err(f"line {n}: missing keys {REQ - keys}")
        continue
    if keys - REQ - OPT:
        err(f"line {n}: unknown keys {keys - REQ - OPT}")
    want_id = f"{PFX}-{i:04d}"
    if d["id"] != want_id:
        err(f"line {n}: id {d['id']} != {want_id}")
    ids[d["id"]] = (i, d)
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\+08:00", d["time"])
    if not m:
        err(f"line {n}: bad time {d['time']}"); continue
    t = datetime.datetime.fromisoformat(d["time"])
    if prev_t and t < prev_t:
        err(f"line {n}: time goes backwards")
    prev_t = t
    outside = t.year != YEAR
    if bool(d.get("outside_year", False)) != outside:
        err(f"line {n}: outside_year flag wrong for {d['time']}")
    if "outside_year" in d and d["outside_year"] is not True:
        err(f"line {n}: outside_year must be true when present")
    if not isinstance(d["text"], str) or not d["text"].strip():
        err(f"line {n}: empty text")
    if not isinstance(d["sender"], str) or not d["sender"].strip():
        err(f"line {n}: empty sender")
    rooms.add(d["room"])
    if not isinstance(d["contrib"], list):
        err(f"line {n}: contrib not a list"); continue
    for c in d["contrib"]:
        ck = set(c)
        if not CREQ <= ck or ck - CREQ - {"extra"}:
            err(f"line {n}: bad contrib keys {sorted(ck)}")
            continue
        if c["section"] not in SECTIONS:
            err(f"line {n}: bad section {c['section']}")
        if c["kind"] not in KINDS:
            err(f"line {n}: bad kind {c['kind']}")
        if not isinstance(c["value"], (int, float)) or isinstance(c["value"], bool):
            err(f"line {n}: value not numeric")
        if "extra" in c and c["extra"] is not True:
            err(f"line {n}: extra must be true when present")
        if not c["activity"] or not c["unit"]:
            err(f"line {n}: empty activity/unit")

if len(rooms) != 1:
    err(f"more than one room: {rooms}")
years = [datetime.datetime.fromisoformat(d["time"]).year for _, d in msgs if "time" in d]
if not any(y < YEAR for y in years) or not any(y > YEAR for y in years):
    err("need messages outside the year at both edges")

# corrections
for n, d in msgs:
    cb = d.get("corrected_by")
    if cb is None:
        continue
    if cb not in ids:
        err(f"line {n}: corrected_by {cb} unknown"); continue
    j, cd = ids[cb]
    if cd["time"] < d["time"] or j <= ids[d["id"]][0]:
        err(f"line {n}: correcting message {cb} is not later")
    if not cd["contrib"]:
        err(f"line {n}: correcting message {cb} has no contrib")
    if cd["sender"] != d["sender"]:
        err(f"line {n}: correction by a different sender")

# ledger
with open(os.path.join(HERE, "expected.json"), encoding="utf-8") as fh:
    expected = json.load(fh)
exp = {}
for e in expected:
    for k in ("section", "activity", "value", "unit", "kind", "quote"):
        if k not in e:
            err(f"expected.json: missing {k} in {e}")
    if e["kind"] not in KINDS or e["kind"] == "target" or e["section"] == "other":
        err(f"expected.json: figure kind/section not allowed {e}")
    key = (e["section"], e["activity"], e["unit"], e["kind"])
    if key in exp:
        err(f"expected.json: duplicate {key}")
    exp[key] = e["value"]

sums = collections.defaultdict(float)
latest = {}
for n, d in msgs:
    if d.get("outside_year"):
        continue
    for c in d.get("contrib", []):
        key = (c["section"], c["activity"], c["unit"], c["kind"])
        if c.get("extra"):
            if key in exp:
                err(f"line {n}: extra contrib uses a report figure's key {key}")
            continue
        if key not in exp:
            err(f"line {n}: non-extra contrib {key} not in expected.json")
            continue
        if c["kind"] in ("stock", "rate"):
            latest[key] = c["value"]
        else:
            sums[key] += c["value"]

for key, v in exp.items():
    got = latest.get(key) if key[3] in ("stock", "rate") else sums.get(key, 0)
    if got is None or abs(got - v) > 1e-9:
        err(f"figure {key}: chat gives {got}, expected {v}")

if errors:
    print(f"FAIL: {len(errors)} problem(s)")
    for e in errors[:50]:
        print("  " + e)
    sys.exit(1)
print(f"OK: {len(msgs)} messages, {len(exp)} figures match "
      f"({sum(1 for _, d in msgs if d['contrib'])} messages with contrib)")
