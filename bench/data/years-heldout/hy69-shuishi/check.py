#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json for hy69-shuishi (水市镇, 黔江区, 2025)."""
import json, os, re, sys, datetime as dt
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.basename(HERE)
SECTIONS = {'study', 'leadership', 'functions', 'rules', 'decisions', 'enforcement', 'emergency',
            'disputes', 'oversight', 'digital', 'publicity', 'legal_services'}
KINDS = {'count', 'amount', 'stock', 'rate'}
REQ = {'id', 'time', 'room', 'sender', 'text', 'contrib'}
OPT = {'outside_year', 'corrected_by'}
errors = []

def err(msg):
    errors.append(msg)

report = json.load(open(os.path.join(HERE, 'report.json'), encoding='utf-8'))
YEAR = report['year']
ROOM = report['town'] + '法治工作群'

msgs = []
with open(os.path.join(HERE, 'chat.jsonl'), encoding='utf-8') as f:
    for n, line in enumerate(f, 1):
        try:
            r = json.loads(line)
        except Exception as e:
            err(f'line {n}: bad JSON ({e})'); continue
        keys = set(r)
        if not REQ <= keys:
            err(f'line {n}: missing keys {REQ - keys}')
        if keys - REQ - OPT:
            err(f'line {n}: unknown keys {keys - REQ - OPT}')
        if r.get('id') != f'{FOLDER}-{n:04d}':
            err(f'line {n}: id {r.get("id")} should be {FOLDER}-{n:04d}')
        if r.get('room') != ROOM:
            err(f'line {n}: room {r.get("room")}')
        if not isinstance(r.get('text'), str) or not r['text'].strip():
            err(f'line {n}: empty text')
        if not isinstance(r.get('sender'), str) or not r['sender']:
            err(f'line {n}: no sender')
        try:
            t = dt.datetime.fromisoformat(r['time'])
            assert t.utcoffset() == dt.timedelta(hours=8)
            r['_t'] = t
        except Exception:
            err(f'line {n}: bad time {r.get("time")}'); r['_t'] = None
        if r['_t'] is not None:
            out = r['_t'].year != YEAR
            if out != bool(r.get('outside_year', False)):
                err(f'line {n}: outside_year flag wrong for {r["time"]}')
            if 'outside_year' in r and r['outside_year'] is not True:
                err(f'line {n}: outside_year must be true when present')
            if abs(r['_t'].year - YEAR) > 1:
                err(f'line {n}: time too far from {YEAR}')
        if not isinstance(r.get('contrib'), list):
            err(f'line {n}: contrib not a list'); r['contrib'] = []
        for c in r['contrib']:
            ck = set(c)
            if not {'section', 'activity', 'value', 'unit', 'kind'} <= ck or ck - {'section', 'activity', 'value', 'unit', 'kind', 'extra'}:
                err(f'line {n}: bad contrib keys {ck}')
                continue
            if c['section'] not in SECTIONS:
                err(f'line {n}: bad section {c["section"]}')
            if c['kind'] not in KINDS:
                err(f'line {n}: bad kind {c["kind"]}')
            if not isinstance(c['value'], (int, float)) or isinstance(c['value'], bool):
                err(f'line {n}: value not a number')
            if 'extra' in c and c['extra'] is not True:
                err(f'line {n}: extra must be true when present')
        msgs.append(r)

# time order and years at both edges
times = [m['_t'] for m in msgs if m['_t'] is not None]
for a, b in zip(times, times[1:]):
    if b <= a:
        err(f'time order broken at {b.isoformat()}')
if not any(t.year < YEAR for t in times) or not any(t.year > YEAR for t in times):
    err('need messages outside the year at both edges')

# corrected_by points to a later message
ids = {m['id']: i for i, m in enumerate(msgs)}
for i, m in enumerate(msgs):
    cb = m.get('corrected_by')
    if cb is not None:
        if cb not in ids or ids[cb] <= i:
            err(f'{m["id"]}: corrected_by {cb} must name a later message')
        elif not msgs[ids[cb]]['contrib']:
            err(f'{m["id"]}: correcting message {cb} has no contrib')

senders = {m['sender'] for m in msgs}
if not 6 <= len(senders) <= 10:
    err(f'{len(senders)} senders, want 6-10')

# ledger over the year
expected = json.load(open(os.path.join(HERE, 'expected.json'), encoding='utf-8'))
exp_keys = {(e['section'], e['activity'], e['unit']): e for e in expected}
sums = defaultdict(float)
latest = {}
for m in msgs:
    if m.get('outside_year'):
        continue
    for c in m['contrib']:
        k = (c['section'], c['activity'], c['unit'])
        if c.get('extra'):
            if (c['section'], c['activity']) in {(s, a) for s, a, _ in exp_keys}:
                err(f'{m["id"]}: extra contrib uses a report activity {k}')
            continue
        if k not in exp_keys:
            err(f'{m["id"]}: non-extra contrib {k} is not a report figure')
            continue
        if c['kind'] != exp_keys[k]['kind']:
            err(f'{m["id"]}: kind {c["kind"]} != {exp_keys[k]["kind"]} for {k}')
        if c['kind'] in ('count', 'amount'):
            sums[k] += c['value']
        else:
            latest[k] = c['value']

for k, e in exp_keys.items():
    got = sums.get(k, 0) if e['kind'] in ('count', 'amount') else latest.get(k)
    ok = got is not None and abs(got - e['value']) < 1e-9
    print(f'{"OK " if ok else "BAD"} {e["section"]:<11} {e["activity"]:<16} {e["kind"]:<6} expected {e["value"]} {e["unit"]}, got {got}')
    if not ok:
        err(f'figure {k}: expected {e["value"]}, got {got}')

# the figures file: every non-target, non-other figure must be in expected.json
for line in open(os.path.join(HERE, 'figures.jsonl'), encoding='utf-8'):
    r = json.loads(line)
    if r['kind'] == 'target' or r['section'] == 'other':
        continue
    if (r['section'], r['activity'], r['unit']) not in exp_keys:
        err(f'figure missing from expected.json: {r["activity"]}')

print(f'{len(msgs)} messages, {len(senders)} senders, '
      f'{sum(1 for m in msgs if m.get("outside_year"))} outside the year, '
      f'{sum(1 for m in msgs if m["contrib"])} with contrib, '
      f'{sum(1 for m in msgs if m.get("corrected_by"))} corrected')
if errors:
    print('\n'.join('ERROR ' + e for e in errors))
    sys.exit(1)
print('all checks passed')
