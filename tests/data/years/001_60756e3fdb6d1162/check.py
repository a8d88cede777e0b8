#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Checks chat.jsonl against expected.json for 雁石坪镇 2024 (folder 001_60756e3fdb6d1162).
Exits non-zero on any problem."""
import json, os, re, sys
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
YEAR = 2024
PREFIX = "y001-"
SECTIONS = {"study", "leadership", "functions", "rules", "decisions", "enforcement", "emergency",
            "disputes", "oversight", "digital", "publicity", "legal_services"}
KINDS = {"count", "amount", "stock", "rate", "zero"}
errors = []

def err(msg):
    errors.append(msg)

# ---- expected.json ----
with open(os.path.join(HERE, "expected.json"), encoding="utf-8") as f:
    expected = json.load(f)
seed_path = os.path.join(HERE, "seed.txt")
seed = open(seed_path, encoding="utf-8").read() if os.path.exists(seed_path) else None
keyset = {}
for e in expected:
    for k in ("section", "activity", "value", "unit", "kind", "quote"):
        if k not in e:
            err("expected.json: missing %s in %r" % (k, e))
    if e["section"] not in SECTIONS:
        err("expected.json: bad section %r" % e["section"])
    if e["kind"] not in KINDS:
        err("expected.json: bad kind %r" % e["kind"])
    if seed is not None and e["quote"] not in seed:
        err("expected.json: quote not found in seed: %r" % e["quote"])
    key = (e["section"], e["activity"])
    if key in keyset:
        err("expected.json: duplicate figure %r" % (key,))
    keyset[key] = e

# ---- chat.jsonl ----
REQ = ("id", "time", "room", "sender", "text", "contrib")
msgs = []
with open(os.path.join(HERE, "chat.jsonl"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        line = line.rstrip("\n")
        if not line.strip():
            err("line %d: empty line" % n); continue
        try:
            o = json.loads(line)
        except Exception as ex:
            err("line %d: invalid JSON (%s)" % (n, ex)); continue
        for k in REQ:
            if k not in o:
                err("line %d: missing key %s" % (n, k))
        if not isinstance(o.get("contrib"), list):
            err("line %d: contrib is not a list" % n); o["contrib"] = []
        if not isinstance(o.get("text"), str) or not o.get("text", "").strip():
            err("line %d: empty text" % n)
        msgs.append((n, o))

ids = {}
prev_t = None
rooms = set()
for i, (n, o) in enumerate(msgs, 1):
    want = "%s%04d" % (PREFIX, i)
    if o.get("id") != want:
        err("line %d: id %r, expected %r" % (n, o.get("id"), want))
    ids[o.get("id")] = i
    rooms.add(o.get("room"))
    try:
        t = datetime.fromisoformat(o["time"])
        if not o["time"].endswith("+08:00"):
            err("line %d: time not in +08:00" % n)
    except Exception:
        err("line %d: bad time %r" % (n, o.get("time"))); continue
    if prev_t and t < prev_t:
        err("line %d: time goes backwards (%s < %s)" % (n, t, prev_t))
    prev_t = t
    inside = (t.year == YEAR)
    if o.get("outside_year"):
        if inside:
            err("line %d: marked outside_year but dated in %d" % (n, YEAR))
        if o["contrib"]:
            err("line %d: outside_year message has contributions" % n)
        if not ((t.year == YEAR - 1 and t.month == 12) or (t.year == YEAR + 1 and t.month == 1)):
            err("line %d: outside_year message not in late Dec / early Jan" % n)
    elif not inside:
        err("line %d: dated outside %d without outside_year" % (n, YEAR))
    for c in o["contrib"]:
        for k in ("section", "activity", "value", "unit", "kind"):
            if k not in c:
                err("line %d: contrib missing %s" % (n, k))
        if c.get("section") not in SECTIONS:
            err("line %d: contrib bad section %r" % (n, c.get("section")))
        if c.get("kind") not in KINDS:
            err("line %d: contrib bad kind %r" % (n, c.get("kind")))
        if not isinstance(c.get("value"), (int, float)):
            err("line %d: contrib value not a number" % n)
        if c.get("extra"):
            if (c.get("section"), c.get("activity")) in keyset:
                err("line %d: extra contrib uses a seed figure's activity" % n)
            continue
        e = keyset.get((c.get("section"), c.get("activity")))
        if e is None:
            err("line %d: contrib %r/%r not in expected.json (and not extra)" % (n, c.get("section"), c.get("activity")))
        elif c.get("unit") != e["unit"] or c.get("kind") != e["kind"]:
            err("line %d: contrib unit/kind %r/%r differ from expected %r/%r" % (n, c.get("unit"), c.get("kind"), e["unit"], e["kind"]))
if len(rooms) != 1:
    err("more than one room: %r" % rooms)
# corrected_by must point to a later message with empty contrib
for i, (n, o) in enumerate(msgs, 1):
    cb = o.get("corrected_by")
    if cb is not None:
        j = ids.get(cb)
        if j is None:
            err("line %d: corrected_by %r does not exist" % (n, cb))
        elif j <= i:
            err("line %d: corrected_by %r is not later" % (n, cb))
        elif msgs[j - 1][1]["contrib"]:
            err("line %d: correcting message %r has contributions" % (n, cb))

# ---- figures ----
sums, latest, nmsg = {}, {}, {}
for n, o in msgs:
    for c in o["contrib"]:
        if c.get("extra"):
            continue
        key = (c["section"], c["activity"])
        nmsg[key] = nmsg.get(key, 0) + 1
        if c["kind"] in ("count", "amount"):
            sums[key] = round(sums.get(key, 0) + c["value"], 6)
        else:
            latest[key] = c["value"]

print("%-15s %-24s %10s %10s %6s %5s  %s" % ("section", "activity", "expected", "got", "unit", "msgs", "ok"))
print("-" * 92)
bad = 0
for e in expected:
    key = (e["section"], e["activity"])
    got = sums.get(key) if e["kind"] in ("count", "amount") else latest.get(key)
    ok = got is not None and abs(got - e["value"]) < 1e-9
    if not ok:
        bad += 1
        err("figure %s/%s: expected %s, got %s" % (e["section"], e["activity"], e["value"], got))
    print("%-15s %-24s %10s %10s %6s %5d  %s" % (e["section"], e["activity"], e["value"], got, e["unit"], nmsg.get(key, 0), "OK" if ok else "MISMATCH"))
print("-" * 92)
n_contrib = sum(1 for _, o in msgs if o["contrib"])
n_extra = sum(1 for _, o in msgs if any(c.get("extra") for c in o["contrib"]))
print("messages: %d, with contrib: %d (with extra work: %d), outside year: %d, corrections: %d"
      % (len(msgs), n_contrib, n_extra, sum(1 for _, o in msgs if o.get("outside_year")),
         sum(1 for _, o in msgs if o.get("corrected_by"))))
if errors:
    print("\nERRORS (%d):" % len(errors))
    for x in errors:
        print("  " + x)
    sys.exit(1)
print("ALL CHECKS PASSED")
