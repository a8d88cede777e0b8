#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json (hy59, 增福镇, year 2022)."""
import json, sys, re, datetime as dt, os
HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER, YEAR, ROOM = 'hy59', 2022, '增福镇法治工作群'
SECTIONS = {'study', 'leadership', 'functions', 'rules', 'decisions', 'enforcement', 'emergency',
            'disputes', 'oversight', 'digital', 'publicity', 'legal_services'}
KINDS = {'count', 'amount', 'stock', 'rate'}
REQ = {'id', 'time', 'room', 'sender', 'text', 'contrib'}
OPT = {'outside_year', 'corrected_by'}
CKEYS = {'section', 'activity', 'value', 'unit', 'kind'}
CONV = {('元', '万元'): 1 / 10000, ('万元', '元'): 10000}
errs = []
def err(m): errs.append(m)

msgs = []
with open(os.path.join(HERE, 'chat.jsonl'), encoding='utf-8') as f:
    for n, line in enumerate(f, 1):
        try:
            r = json.loads(line)
        except Exception as e:
            err(f'line {n}: bad JSON {e}'); continue
        msgs.append(r)
        if not REQ <= set(r) or set(r) - REQ - OPT:
            err(f'line {n}: keys {sorted(r)}')
        if r.get('id') != f'{FOLDER}-{n:04d}':
            err(f'line {n}: id {r.get("id")}')
        if r.get('room') != ROOM: err(f'line {n}: room')
        if not isinstance(r.get('text'), str) or not r['text'].strip(): err(f'line {n}: empty text')
        if not isinstance(r.get('sender'), str) or not r['sender']: err(f'line {n}: sender')
        try:
            t = dt.datetime.fromisoformat(r['time']); r['_t'] = t
            if t.utcoffset() != dt.timedelta(hours=8): err(f'line {n}: tz')
        except Exception:
            err(f'line {n}: time {r.get("time")}'); continue
        inyear = t.year == YEAR
        if r.get('outside_year') is not None and r['outside_year'] is not True:
            err(f'line {n}: outside_year must be true when present')
        if inyear == bool(r.get('outside_year')): err(f'line {n}: outside_year flag vs time {r["time"]}')
        if not isinstance(r.get('contrib'), list): err(f'line {n}: contrib not list'); continue
        for c in r['contrib']:
            if not CKEYS <= set(c) or set(c) - CKEYS - {'extra'}: err(f'line {n}: contrib keys {sorted(c)}')
            if c.get('section') not in SECTIONS: err(f'line {n}: section {c.get("section")}')
            if c.get('kind') not in KINDS: err(f'line {n}: kind {c.get("kind")}')
            if not isinstance(c.get('value'), (int, float)) or isinstance(c.get('value'), bool) or c.get('value') == 0:
                err(f'line {n}: value {c.get("value")}')
            if 'extra' in c and c['extra'] is not True: err(f'line {n}: extra must be true')
ids = {r['id']: i for i, r in enumerate(msgs)}
for i, r in enumerate(msgs):
    if i and '_t' in r and '_t' in msgs[i - 1] and r['_t'] < msgs[i - 1]['_t']:
        err(f'{r["id"]}: out of time order')
    cb = r.get('corrected_by')
    if cb is not None:
        if cb not in ids or ids[cb] <= i: err(f'{r["id"]}: corrected_by {cb} must be a later message')
        elif msgs[ids[cb]]['sender'] != r['sender']: err(f'{r["id"]}: corrected by another sender')
if not any(r.get('outside_year') and r['_t'].year < YEAR for r in msgs if '_t' in r): err('no message before the year')
if not any(r.get('outside_year') and r['_t'].year > YEAR for r in msgs if '_t' in r): err('no message after the year')

exp = json.load(open(os.path.join(HERE, 'expected.json'), encoding='utf-8'))
keyset = {}
for e in exp:
    if not {'section', 'activity', 'value', 'unit', 'kind', 'quote'} <= set(e): err(f'expected keys {e}')
    keyset[(e['section'], e['activity'])] = e
# figures of the brief that must be covered (skip target / other)
brief = os.path.join(HERE, '..', 'briefs', 'r59', 'figures.jsonl')
if os.path.exists(brief):
    want = [json.loads(l) for l in open(brief, encoding='utf-8') if l.strip()]
    want = [w for w in want if w['kind'] != 'target' and w['section'] != 'other']
    if len(want) != len(exp): err(f'expected.json has {len(exp)} figures, brief has {len(want)} to cover')
    for w in want:
        if not any(e['section'] == w['section'] and e['value'] == w['value'] and e['unit'] == w['unit']
                   and e['kind'] == w['kind'] for e in exp):
            err(f'brief figure not covered: {w["activity"]} {w["value"]}{w["unit"]}')

sums = {k: 0.0 for k in keyset}; latest = {k: None for k in keyset}
for r in msgs:
    if r.get('outside_year') or '_t' not in r: continue
    for c in r.get('contrib', []):
        k = (c.get('section'), c.get('activity'))
        if c.get('extra'):
            if k in keyset: err(f'{r["id"]}: extra contrib uses a report activity {k}')
            continue
        if k not in keyset: err(f'{r["id"]}: non-extra contrib {k} not in expected.json'); continue
        e = keyset[k]
        if c['kind'] != e['kind']: err(f'{r["id"]}: kind mismatch for {k}')
        v = c['value']
        if c['unit'] != e['unit']:
            f = CONV.get((c['unit'], e['unit']))
            if f is None: err(f'{r["id"]}: unit {c["unit"]} vs {e["unit"]}'); continue
            v = v * f
        if e['kind'] in ('count', 'amount'): sums[k] += v
        else: latest[k] = v
for k, e in keyset.items():
    got = sums[k] if e['kind'] in ('count', 'amount') else latest[k]
    ok = got is not None and abs(got - e['value']) < 1e-9
    print(f'{"OK " if ok else "BAD"} {e["section"]:12s} {e["activity"]:24s} {e["kind"]:6s} expected {e["value"]}{e["unit"]} got {got}')
    if not ok: err(f'figure mismatch {k}: {got} != {e["value"]}')

print(f'{len(msgs)} messages, {sum(1 for r in msgs if r.get("outside_year"))} outside the year, '
      f'{len({r["sender"] for r in msgs})} senders, {sum(1 for r in msgs if r.get("corrected_by"))} corrected')
if errs:
    print('\n'.join('ERROR ' + e for e in errs)); sys.exit(1)
print('PASS')
