#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json for hy58-zhejiang (柳市镇, 乐清市, 2024).

Checks: every line is JSON with the right keys; ids are sequential; times are ISO +08:00 and in
order; outside_year is set exactly on messages outside 2024 (which sit only at the two edges);
corrected_by points to a later message that carries the change; every contrib is well formed;
non-extra contribs name a figure of expected.json (matched on section, activity, detail, unit,
kind — `detail` is needed because the report states 办理行政处罚案件 in 件 twice, 简易 and 普通, and
行政处罚罚没金额 in 万元 twice); extra contribs name no figure; count/amount sums and the latest
stock/rate statement over in-year messages equal expected.json (and the same holds without
filtering outside_year, so either reading gives the report); every message's 宗 total equals its
简易件 + 普通件; expected.json covers every non-target, non-other figure of figures.jsonl.
"""
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLDER = "hy58-zhejiang"
YEAR = 2024
ROOM = "柳市镇法治工作群"
SECTIONS = {"study", "leadership", "functions", "rules", "decisions", "enforcement", "emergency",
            "disputes", "oversight", "digital", "publicity", "legal_services"}
KINDS = {"count", "amount", "stock", "rate"}
REQ = {"id", "time", "room", "sender", "text", "contrib"}
OPT = {"outside_year", "corrected_by"}
CREQ = {"section", "activity", "value", "unit", "kind"}
COPT = {"extra", "detail"}
TIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\+08:00$")

errors = []


def err(msg):
    errors.append(msg)


def dec(v):
    return Decimal(str(v))


def key(c):
    return (c["section"], c["activity"], c.get("detail"), c["unit"], c["kind"])


expected = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
exp = {}
for e in expected:
    for k in ("section", "activity", "value", "unit", "kind", "quote"):
        if k not in e:
            err(f"expected.json entry lacks {k}: {e}")
    if e["kind"] not in KINDS:
        err(f"expected.json: kind {e['kind']} not summable/stated")
    k = key(e)
    if k in exp:
        err(f"expected.json: duplicate key {k}")
    exp[k] = e

# expected covers the report's figures (targets and section other skipped)
fig_path = HERE / "figures.jsonl"
if fig_path.exists():
    for line in fig_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        f = json.loads(line)
        if f["kind"] == "target" or f["section"] == "other":
            continue
        k = (f["section"], f["activity"], f.get("activity_detail"), f["unit"], f["kind"])
        if k not in exp:
            err(f"figure not covered by expected.json: {k}")
        elif dec(exp[k]["value"]) != dec(f["value"]):
            err(f"expected.json value differs from figures.jsonl for {k}")

msgs = []
lines = (HERE / "chat.jsonl").read_text(encoding="utf-8").splitlines()
for n, line in enumerate(lines, 1):
    try:
        m = json.loads(line)
    except json.JSONDecodeError as ex:
        err(f"line {n}: not JSON ({ex})")
        continue
    keys = set(m)
    if not REQ <= keys:
        err(f"line {n}: missing keys {REQ - keys}")
        continue
    if keys - REQ - OPT:
        err(f"line {n}: unknown keys {keys - REQ - OPT}")
    if m["id"] != f"{FOLDER}-{n:04d}":
        err(f"line {n}: id {m['id']} should be {FOLDER}-{n:04d}")
    if m["room"] != ROOM:
        err(f"line {n}: room {m['room']}")
    if not isinstance(m["sender"], str) or not m["sender"].strip():
        err(f"line {n}: empty sender")
    if not isinstance(m["text"], str) or not m["text"].strip():
        err(f"line {n}: empty text")
    tm = TIME_RE.match(m["time"])
    if not tm:
        err(f"line {n}: bad time {m['time']}")
        continue
    year = int(tm.group(1))
    outside = year != YEAR
    if outside and m.get("outside_year") is not True:
        err(f"line {n}: {m['time']} outside {YEAR} but outside_year not true")
    if not outside and "outside_year" in m:
        err(f"line {n}: in-year message carries outside_year")
    if not isinstance(m["contrib"], list):
        err(f"line {n}: contrib not a list")
        continue
    for c in m["contrib"]:
        ck = set(c)
        if not CREQ <= ck or ck - CREQ - COPT:
            err(f"line {n}: bad contrib keys {sorted(ck)}")
            continue
        if c["section"] not in SECTIONS:
            err(f"line {n}: bad section {c['section']}")
        if c["kind"] not in KINDS:
            err(f"line {n}: bad kind {c['kind']}")
        if isinstance(c["value"], bool) or not isinstance(c["value"], (int, float)):
            err(f"line {n}: value not a number")
        if not c["activity"] or not c["unit"]:
            err(f"line {n}: empty activity/unit")
        if "extra" in c and c["extra"] is not True:
            err(f"line {n}: extra must be true when present")
        if c.get("extra"):
            if key(c) in exp:
                err(f"line {n}: extra contrib names a report figure {key(c)}")
        elif key(c) not in exp:
            err(f"line {n}: contrib {key(c)} is not a report figure and not marked extra")
    msgs.append(m)

# order and edges
for a, b in zip(msgs, msgs[1:]):
    if b["time"] < a["time"]:
        err(f"{b['id']}: time goes backwards")
inyear_idx = [i for i, m in enumerate(msgs) if not m.get("outside_year")]
if inyear_idx:
    lo, hi = inyear_idx[0], inyear_idx[-1]
    for i, m in enumerate(msgs):
        if m.get("outside_year") and lo < i < hi:
            err(f"{m['id']}: outside_year message in the middle of the year")
    if lo == 0 or hi == len(msgs) - 1:
        err("expected outside-year messages at both edges")

# corrections
ids = {m["id"]: i for i, m in enumerate(msgs)}
for i, m in enumerate(msgs):
    cb = m.get("corrected_by")
    if cb is None:
        continue
    if cb not in ids:
        err(f"{m['id']}: corrected_by {cb} unknown")
    elif ids[cb] <= i:
        err(f"{m['id']}: corrected_by {cb} is not later")
    elif not msgs[ids[cb]]["contrib"]:
        err(f"{m['id']}: correcting message {cb} has no contrib")
    if not m["contrib"]:
        err(f"{m['id']}: corrected message has no contrib")

# 宗 total = 简易件 + 普通件 in every message
ZONG = ("enforcement", "办理行政处罚案件", "行政处罚案件合计", "宗", "count")
JIAN = ("enforcement", "办理行政处罚案件", "简易程序处罚", "件", "count")
PUTO = ("enforcement", "办理行政处罚案件", "普通程序处罚", "件", "count")
for m in msgs:
    s = {ZONG: Decimal(0), JIAN: Decimal(0), PUTO: Decimal(0)}
    for c in m["contrib"]:
        if key(c) in s:
            s[key(c)] += dec(c["value"])
    if s[ZONG] != s[JIAN] + s[PUTO]:
        err(f"{m['id']}: 宗 {s[ZONG]} != 简易 {s[JIAN]} + 普通 {s[PUTO]}")


def ledger(use):
    sums, latest = {}, {}
    for m in use:
        for c in m["contrib"]:
            if c.get("extra"):
                continue
            k = key(c)
            if c["kind"] in ("count", "amount"):
                sums[k] = sums.get(k, Decimal(0)) + dec(c["value"])
            else:
                latest[k] = dec(c["value"])
    return sums, latest


for label, use in (("in-year", [m for m in msgs if not m.get("outside_year")]), ("all messages", msgs)):
    sums, latest = ledger(use)
    for k, e in exp.items():
        want = dec(e["value"])
        got = sums.get(k) if e["kind"] in ("count", "amount") else latest.get(k)
        if got is None or got.quantize(Decimal("0.0001")) != want.quantize(Decimal("0.0001")):
            err(f"[{label}] {k}: got {got}, expected {want}")

if errors:
    print(f"FAIL ({len(errors)} problems)")
    for e in errors[:60]:
        print(" -", e)
    sys.exit(1)

n_contrib = sum(1 for m in msgs if m["contrib"])
print(f"OK: {len(msgs)} messages ({sum(1 for m in msgs if m.get('outside_year'))} outside {YEAR}), "
      f"{n_contrib} with contrib, {len(exp)} figures match.")
