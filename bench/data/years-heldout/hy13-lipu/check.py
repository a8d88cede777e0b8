#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json for hy13-zhejiang (澧浦镇, 2023)."""
import json, os, re, sys, datetime
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = "hy13-zhejiang"
YEAR = 2023
SECTIONS = {"study", "leadership", "functions", "rules", "decisions", "enforcement",
            "emergency", "disputes", "oversight", "digital", "publicity", "legal_services"}
KINDS = {"count", "amount", "stock", "rate"}
REQ = {"id", "time", "room", "sender", "text", "contrib"}
OPT = {"outside_year", "corrected_by"}
CREQ = {"section", "activity", "value", "unit", "kind"}
COPT = {"extra", "detail"}

errors = []
def err(msg):
    errors.append(msg)

def key(c):
    return (c["section"], c["activity"], c["unit"], c["kind"], c.get("detail"))

msgs = []
with open(os.path.join(HERE, "chat.jsonl"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            m = json.loads(line)
        except Exception as e:
            err(f"line {n}: not JSON ({e})"); continue
        msgs.append(m)
        ks = set(m)
        if not REQ <= ks: err(f"line {n}: missing keys {REQ - ks}")
        if ks - REQ - OPT: err(f"line {n}: unknown keys {ks - REQ - OPT}")
        if m.get("id") != f"{FOLDER}-{n:04d}": err(f"line {n}: id {m.get('id')} out of sequence")
        if not isinstance(m.get("text"), str) or not m["text"].strip(): err(f"line {n}: empty text")
        if not isinstance(m.get("contrib"), list): err(f"line {n}: contrib not a list")

ids = {m["id"]: i for i, m in enumerate(msgs)}
prev = None
rooms = set()
for i, m in enumerate(msgs):
    n = i + 1
    rooms.add(m.get("room"))
    t = m.get("time", "")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", t):
        err(f"line {n}: bad time {t}"); continue
    dt = datetime.datetime.fromisoformat(t)
    if prev and dt < prev: err(f"line {n}: time goes backwards")
    prev = dt
    inside = dt.year == YEAR
    if inside and m.get("outside_year"): err(f"line {n}: flagged outside_year but in {YEAR}")
    if not inside and m.get("outside_year") is not True: err(f"line {n}: outside {YEAR} but not flagged")
    if "outside_year" in m and m["outside_year"] is not True: err(f"line {n}: outside_year must be true if present")
    if "corrected_by" in m:
        j = ids.get(m["corrected_by"])
        if j is None or j <= i: err(f"line {n}: corrected_by {m['corrected_by']} must be a later message")
    for c in m.get("contrib", []):
        cs = set(c)
        if not CREQ <= cs: err(f"line {n}: contrib missing {CREQ - cs}")
        if cs - CREQ - COPT: err(f"line {n}: contrib unknown keys {cs - CREQ - COPT}")
        if c.get("section") not in SECTIONS: err(f"line {n}: bad section {c.get('section')}")
        if c.get("kind") not in KINDS: err(f"line {n}: bad kind {c.get('kind')}")
        if not isinstance(c.get("value"), (int, float)) or isinstance(c.get("value"), bool):
            err(f"line {n}: value not a number")
        if "extra" in c and c["extra"] is not True: err(f"line {n}: extra must be true if present")
if len(rooms) != 1: err(f"more than one room: {rooms}")
years = {datetime.datetime.fromisoformat(m["time"]).year for m in msgs if "time" in m}
if not ({YEAR - 1, YEAR + 1} <= years): err("need messages outside the year at both edges")
# a corrected message must be followed by a correcting message that carries a contrib
for m in msgs:
    if "corrected_by" in m and not msgs[ids[m["corrected_by"]]]["contrib"]:
        err(f"{m['id']}: correcting message has no contrib")

expected = json.load(open(os.path.join(HERE, "expected.json"), encoding="utf-8"))
exp = {}
for e in expected:
    k = key(e)
    if k in exp: err(f"expected.json: duplicate figure {k}")
    exp[k] = e

sums = defaultdict(float)
latest = {}
for m in msgs:
    if m.get("outside_year"):
        continue
    for c in m["contrib"]:
        k = key(c)
        if c.get("extra"):
            if k in exp: err(f"{m['id']}: extra contrib uses a report figure's key {k}")
            continue
        if k not in exp:
            err(f"{m['id']}: non-extra contrib {k} is not a figure in expected.json"); continue
        if c["kind"] in ("count", "amount"):
            sums[k] += c["value"]
        else:
            latest[k] = c["value"]

for k, e in exp.items():
    if e["kind"] in ("count", "amount"):
        got = sums.get(k, 0)
    else:
        got = latest.get(k)
    ok = got is not None and abs(got - e["value"]) < 1e-9
    print(f"{'OK ' if ok else 'BAD'} {e['section']:15s} {e['activity']}{' / ' + e['detail'] if e.get('detail') else ''}: "
          f"expected {e['value']} {e['unit']} ({e['kind']}), got {got}")
    if not ok:
        err(f"figure {k}: expected {e['value']}, got {got}")

n_in = sum(1 for m in msgs if not m.get("outside_year"))
print(f"{len(msgs)} messages ({n_in} in {YEAR}), {len(expected)} figures")
if errors:
    print("FAILED:")
    for x in errors: print("  " + x)
    sys.exit(1)
print("PASS")
