#!/usr/bin/env python3
"""Validate chat.jsonl and check that its contribs reproduce expected.json.

count/amount figures: sum of all in-year, non-extra contribs with the same
(section, activity, unit, kind).  stock/rate figures: value of the latest
in-year statement.  Messages outside 2025 are ignored for the sums.
"""
import json, os, re, sys, datetime

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.basename(HERE)          # year-r24
PREFIX = "hy24"
YEAR = 2025
ROOM = "大河乡法治工作群"
SECTIONS = {"study", "leadership", "functions", "rules", "decisions", "enforcement",
            "emergency", "disputes", "oversight", "digital", "publicity", "legal_services"}
KINDS = {"count", "amount", "stock", "rate"}
REQ = {"id", "time", "room", "sender", "text", "contrib"}
OPT = {"outside_year", "corrected_by", "note"}
CKEYS = {"section", "activity", "value", "unit", "kind"}

errors = []
def err(msg):
    errors.append(msg)

msgs = []
with open(os.path.join(HERE, "chat.jsonl"), encoding="utf-8") as fh:
    for ln, line in enumerate(fh, 1):
        try:
            o = json.loads(line)
        except Exception as e:
            err(f"line {ln}: bad JSON ({e})"); continue
        msgs.append((ln, o))

ids = set(); prev_t = None; senders = set()
for n, (ln, o) in enumerate(msgs, 1):
    keys = set(o)
    if not REQ <= keys: err(f"line {ln}: missing keys {REQ - keys}")
    if keys - REQ - OPT: err(f"line {ln}: unknown keys {keys - REQ - OPT}")
    want = f"{PREFIX}-{n:04d}"
    if o.get("id") != want: err(f"line {ln}: id {o.get('id')} != {want}")
    ids.add(o.get("id"))
    if o.get("room") != ROOM: err(f"line {ln}: room {o.get('room')}")
    if not isinstance(o.get("text"), str) or not o["text"].strip(): err(f"line {ln}: empty text")
    if not isinstance(o.get("sender"), str) or not o["sender"]: err(f"line {ln}: sender")
    senders.add(o.get("sender"))
    try:
        t = datetime.datetime.fromisoformat(o["time"])
        if t.utcoffset() != datetime.timedelta(hours=8): err(f"line {ln}: not +08:00")
    except Exception as e:
        err(f"line {ln}: bad time ({e})"); continue
    if prev_t and t < prev_t: err(f"line {ln}: time goes backwards")
    prev_t = t
    outside = t.year != YEAR
    if outside != bool(o.get("outside_year", False)):
        err(f"line {ln}: outside_year flag wrong for {o['time']}")
    if "outside_year" in o and o["outside_year"] is not True:
        err(f"line {ln}: outside_year must be true when present")
    if not isinstance(o.get("contrib"), list): err(f"line {ln}: contrib not a list"); continue
    for c in o["contrib"]:
        ck = set(c)
        if not CKEYS <= ck or ck - CKEYS - {"extra"}: err(f"line {ln}: contrib keys {ck}")
        if c.get("section") not in SECTIONS: err(f"line {ln}: section {c.get('section')}")
        if c.get("kind") not in KINDS: err(f"line {ln}: kind {c.get('kind')}")
        if not isinstance(c.get("value"), (int, float)) or isinstance(c.get("value"), bool):
            err(f"line {ln}: value {c.get('value')}")
        if "extra" in c and c["extra"] is not True: err(f"line {ln}: extra must be true")
        if not c.get("activity") or not c.get("unit"): err(f"line {ln}: activity/unit empty")

# corrected_by must point forward to an existing message
byid = {o["id"]: o for _, o in msgs if "id" in o}
for ln, o in msgs:
    cb = o.get("corrected_by")
    if cb is None: continue
    if cb not in byid: err(f"line {ln}: corrected_by {cb} unknown")
    elif cb <= o["id"]: err(f"line {ln}: corrected_by {cb} not later")
    elif not byid[cb]["contrib"]: err(f"line {ln}: correcting message {cb} has no contrib")

# year bounds: some messages on both sides, the bulk inside
years = [datetime.datetime.fromisoformat(o["time"]).year for _, o in msgs]
if not any(y < YEAR for y in years) or not any(y > YEAR for y in years):
    err("need messages outside the year at both edges")
if sum(y == YEAR for y in years) < 0.9 * len(years): err("too many messages outside the year")
months = {datetime.datetime.fromisoformat(o["time"]).month for _, o in msgs
          if datetime.datetime.fromisoformat(o["time"]).year == YEAR}
if months != set(range(1, 13)): err(f"months covered: {sorted(months)}")
if not 6 <= len(senders) <= 10: err(f"{len(senders)} senders")

# ledger
expected = json.load(open(os.path.join(HERE, "expected.json"), encoding="utf-8"))
ekeys = {}
for e in expected:
    k = (e["section"], e["activity"], e["unit"], e["kind"])
    if k in ekeys: err(f"duplicate expected key {k}")
    ekeys[k] = e
sums = {}; latest = {}
for ln, o in msgs:
    if o.get("outside_year"): continue
    for c in o["contrib"]:
        k = (c["section"], c["activity"], c["unit"], c["kind"])
        if c.get("extra"):
            if k in ekeys: err(f"line {ln}: extra contrib uses a report figure's key {k}")
            continue
        if k not in ekeys:
            err(f"line {ln}: non-extra contrib {k} not in expected.json"); continue
        if c["kind"] in ("count", "amount"):
            sums[k] = sums.get(k, 0) + c["value"]
        else:
            latest[k] = c["value"]
for k, e in ekeys.items():
    got = sums.get(k) if e["kind"] in ("count", "amount") else latest.get(k)
    if got is None or abs(got - e["value"]) > 1e-9:
        err(f"figure {k}: chat gives {got}, expected {e['value']}")
    else:
        print(f"ok  {e['section']:15s} {e['activity']:20s} {e['value']:>6} {e['unit']} ({e['kind']})")

n_extra = sum(1 for _, o in msgs for c in o["contrib"] if c.get("extra"))
print(f"{len(msgs)} messages, {len(senders)} senders, {len(expected)} figures, {n_extra} extra contribs")
if errors:
    print("\n".join("ERROR " + e for e in errors)); sys.exit(1)
print("PASS")
