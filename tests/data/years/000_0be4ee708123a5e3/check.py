#!/usr/bin/env python3
"""Check chat.jsonl against expected.json (run from any directory)."""
import json, os, sys, re
from datetime import datetime
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
YEAR = 2023
PREFIX = "y000-"
SECTIONS = {"study", "leadership", "functions", "rules", "decisions", "enforcement",
            "emergency", "disputes", "oversight", "digital", "publicity", "legal_services"}
KINDS = {"count", "amount", "stock", "rate", "zero"}
MSG_KEYS = {"id", "time", "room", "sender", "text", "contrib"}
OPT_KEYS = {"outside_year", "corrected_by", "note"}
C_KEYS = {"section", "activity", "value", "unit", "kind"}

errors = []
def err(msg):
    errors.append(msg)

expected = json.load(open(os.path.join(HERE, "expected.json"), encoding="utf-8"))
exp_index = {}
for e in expected:
    for k in ("section", "activity", "value", "unit", "kind", "quote"):
        if k not in e:
            err(f"expected.json entry lacks {k}: {e}")
    if e["section"] not in SECTIONS: err(f"bad section in expected: {e}")
    if e["kind"] not in KINDS: err(f"bad kind in expected: {e}")
    key = (e["section"], e["activity"], e["unit"])
    if key in exp_index: err(f"duplicate expected figure {key}")
    exp_index[key] = e

seed = os.path.join(HERE, "seed.txt")
if os.path.exists(seed):
    s = open(seed, encoding="utf-8").read()
    for e in expected:
        if e["quote"] not in s: err(f"quote not found in seed: {e['quote']}")

msgs, ids = [], {}
with open(os.path.join(HERE, "chat.jsonl"), encoding="utf-8") as f:
    for ln, line in enumerate(f, 1):
        try:
            o = json.loads(line)
        except Exception as ex:
            err(f"line {ln}: invalid JSON ({ex})"); continue
        missing = MSG_KEYS - o.keys()
        if missing: err(f"line {ln}: missing keys {missing}"); continue
        unknown = o.keys() - MSG_KEYS - OPT_KEYS
        if unknown: err(f"line {ln}: unknown keys {unknown}")
        if o["id"] != f"{PREFIX}{ln:04d}": err(f"line {ln}: id {o['id']} not sequential")
        if not isinstance(o["text"], str) or not o["text"].strip(): err(f"line {ln}: empty text")
        if not isinstance(o["contrib"], list): err(f"line {ln}: contrib not a list"); continue
        try:
            o["_t"] = datetime.fromisoformat(o["time"])
            if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", o["time"]):
                err(f"line {ln}: time format {o['time']}")
        except Exception:
            err(f"line {ln}: bad time {o['time']}"); continue
        ids[o["id"]] = ln
        msgs.append(o)

prev = None
rooms = set()
for o in msgs:
    rooms.add(o["room"])
    if prev and o["_t"] < prev["_t"]:
        err(f"{o['id']}: time goes backwards ({prev['time']} -> {o['time']})")
    prev = o
    in_year = o["_t"].year == YEAR
    if o.get("outside_year"):
        if in_year: err(f"{o['id']}: marked outside_year but dated {o['time']}")
        if o["contrib"]: err(f"{o['id']}: outside_year message has contrib")
    elif not in_year:
        err(f"{o['id']}: dated {o['time']} outside {YEAR} without outside_year mark")
    if "corrected_by" in o:
        cb = o["corrected_by"]
        if cb not in ids: err(f"{o['id']}: corrected_by unknown id {cb}")
        elif ids[cb] <= ids[o["id"]]: err(f"{o['id']}: corrected_by {cb} is not later")
    for c in o["contrib"]:
        if not isinstance(c, dict) or C_KEYS - c.keys():
            err(f"{o['id']}: bad contrib {c}"); continue
        if c["section"] not in SECTIONS: err(f"{o['id']}: bad section {c['section']}")
        if c["kind"] not in KINDS: err(f"{o['id']}: bad kind {c['kind']}")
        if not isinstance(c["value"], (int, float)): err(f"{o['id']}: non-numeric value {c}")
        if not c.get("extra"):
            key = (c["section"], c["activity"], c["unit"])
            if key not in exp_index:
                err(f"{o['id']}: contrib {key} not in expected.json and not marked extra")
            elif exp_index[key]["kind"] != c["kind"]:
                err(f"{o['id']}: kind {c['kind']} differs from expected for {key}")
if len(rooms) != 1: err(f"more than one room: {rooms}")

# aggregate
sums = defaultdict(float); latest = {}; nmsg = defaultdict(int)
for o in msgs:
    for c in o["contrib"]:
        if c.get("extra"): continue
        key = (c["section"], c["activity"], c["unit"])
        nmsg[key] += 1
        if c["kind"] in ("count", "amount"):
            sums[key] += c["value"]
        else:
            latest[key] = c["value"]

print(f"{'section':<15}{'activity':<22}{'unit':<6}{'kind':<8}{'expected':>10}{'got':>10}{'msgs':>6}  status")
bad = 0
for e in expected:
    key = (e["section"], e["activity"], e["unit"])
    got = sums.get(key, 0) if e["kind"] in ("count", "amount") else latest.get(key)
    ok = got is not None and abs(got - e["value"]) < 1e-9
    bad += not ok
    g = "-" if got is None else (int(got) if float(got).is_integer() else got)
    print(f"{e['section']:<15}{e['activity']:<22}{e['unit']:<6}{e['kind']:<8}{e['value']:>10}{g:>10}{nmsg[key]:>6}  {'OK' if ok else 'MISMATCH'}")
    if not ok: err(f"figure mismatch {key}: expected {e['value']}, got {g}")

n_contrib = sum(1 for o in msgs if o["contrib"])
n_seed = sum(1 for o in msgs if any(not c.get("extra") for c in o["contrib"]))
print(f"\nmessages: {len(msgs)}  with contrib: {n_contrib}  with seed-figure contrib: {n_seed}  "
      f"outside_year: {sum(1 for o in msgs if o.get('outside_year'))}  corrected: {sum(1 for o in msgs if 'corrected_by' in o)}")
if errors:
    print(f"\n{len(errors)} problem(s):")
    for e in errors: print("  -", e)
    sys.exit(1)
print("ALL CHECKS PASSED")
