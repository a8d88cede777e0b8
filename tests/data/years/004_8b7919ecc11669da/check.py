#!/usr/bin/env python3
"""Check chat.jsonl against expected.json for folder y004 (孝敬镇, 2023).
Exit code 0 only if every line is valid and every seed figure is reproduced exactly."""
import json, os, sys, re
from datetime import datetime
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
YEAR = 2023
SECTIONS = {'study','leadership','functions','rules','decisions','enforcement','emergency',
            'disputes','oversight','digital','publicity','legal_services'}
KINDS = {'count','amount','stock','rate','zero'}
errors = []
def err(msg): errors.append(msg)

expected = json.load(open(os.path.join(HERE, 'expected.json'), encoding='utf-8'))
seed_path = os.path.join(HERE, 'seed.txt')
seed = open(seed_path, encoding='utf-8').read() if os.path.exists(seed_path) else None
ekeys = {}
for i, e in enumerate(expected):
    for k in ('section','activity','value','unit','kind','quote'):
        if k not in e: err(f'expected[{i}] lacks {k}')
    if e.get('section') not in SECTIONS: err(f'expected[{i}] bad section')
    if e.get('kind') not in KINDS: err(f'expected[{i}] bad kind')
    if seed is not None and e.get('quote') not in seed: err(f'expected[{i}] quote not in seed')
    key = (e['section'], e['activity'], e['unit'])
    if key in ekeys: err(f'expected duplicate key {key}')
    ekeys[key] = e

msgs, ids = [], set()
prev_t = None
with open(os.path.join(HERE, 'chat.jsonl'), encoding='utf-8') as fh:
    for n, line in enumerate(fh, 1):
        try:
            m = json.loads(line)
        except Exception as ex:
            err(f'line {n}: invalid JSON ({ex})'); continue
        for k in ('id','time','room','sender','text','contrib'):
            if k not in m: err(f'line {n}: missing key {k}')
        if not re.fullmatch(r'y004-\d{4}', m.get('id','')): err(f'line {n}: bad id')
        if m.get('id') != 'y004-%04d' % n: err(f'line {n}: id not sequential')
        if m.get('id') in ids: err(f'line {n}: duplicate id')
        ids.add(m.get('id'))
        try:
            t = datetime.fromisoformat(m['time'])
            assert m['time'].endswith('+08:00')
        except Exception:
            err(f'line {n}: bad time {m.get("time")}'); continue
        if prev_t and t < prev_t: err(f'line {n}: time goes backwards')
        prev_t = t
        inside = t.year == YEAR
        if m.get('outside_year'):
            if inside: err(f'line {n}: marked outside_year but dated {YEAR}')
            if m['contrib']: err(f'line {n}: outside-year message with contrib')
            if not ((t.year == YEAR-1 and t.month == 12) or (t.year == YEAR+1 and t.month == 1)):
                err(f'line {n}: outside-year message not at an edge of the year')
        elif not inside:
            err(f'line {n}: dated outside {YEAR} without outside_year')
        if not isinstance(m.get('text'), str) or not m['text'].strip(): err(f'line {n}: empty text')
        if not isinstance(m.get('contrib'), list): err(f'line {n}: contrib not a list'); continue
        for c in m['contrib']:
            for k in ('section','activity','value','unit','kind'):
                if k not in c: err(f'line {n}: contrib lacks {k}')
            if c.get('section') not in SECTIONS: err(f'line {n}: bad section {c.get("section")}')
            if c.get('kind') not in KINDS: err(f'line {n}: bad kind {c.get("kind")}')
            if not isinstance(c.get('value'), (int, float)): err(f'line {n}: value not a number')
            key = (c.get('section'), c.get('activity'), c.get('unit'))
            if c.get('extra'):
                if key in ekeys: err(f'line {n}: extra contrib uses a seed figure key {key}')
            else:
                if key not in ekeys: err(f'line {n}: contrib {key} not in expected.json (mark extra?)')
                elif ekeys[key]['kind'] != c.get('kind'): err(f'line {n}: kind mismatch for {key}')
        msgs.append(m)

byid = {m['id']: m for m in msgs}
for m in msgs:
    cb = m.get('corrected_by')
    if cb:
        if cb not in byid: err(f'{m["id"]}: corrected_by {cb} unknown')
        elif byid[cb]['time'] < m['time']: err(f'{m["id"]}: corrected before it was posted')
        elif byid[cb]['contrib']: err(f'{cb}: correcting line must have contrib []')

sums = defaultdict(float); latest = {}; counts = defaultdict(int)
extras = defaultdict(float)
for m in msgs:
    for c in m['contrib']:
        key = (c['section'], c['activity'], c['unit'])
        if c.get('extra'):
            extras[key] += c['value']; continue
        counts[key] += 1
        if c['kind'] in ('stock', 'rate'): latest[key] = c['value']
        else: sums[key] += c['value']

print(f'{"section":<15}{"activity":<18}{"unit":<6}{"kind":<7}{"expected":>10}{"chat":>10}{"msgs":>6}  ok')
bad = 0
for e in expected:
    key = (e['section'], e['activity'], e['unit'])
    got = latest.get(key) if e['kind'] in ('stock','rate') else sums.get(key, 0)
    ok = got is not None and abs(got - e['value']) < 1e-9
    if not ok: bad += 1
    g = '-' if got is None else (int(got) if float(got).is_integer() else got)
    print(f'{e["section"]:<15}{e["activity"]:<18}{e["unit"]:<6}{e["kind"]:<7}{e["value"]:>10}{g:>10}{counts[key]:>6}  {"OK" if ok else "MISMATCH"}')
print()
print('extra (non-seed) work recorded:')
for key, v in sorted(extras.items()):
    print(f'  {key[0]:<15}{key[1]:<20}{v:g} {key[2]}')
nc = sum(1 for m in msgs if m['contrib'])
print(f'\nmessages: {len(msgs)}, with contrib: {nc}, outside year: {sum(1 for m in msgs if m.get("outside_year"))}, '
      f'corrected: {sum(1 for m in msgs if m.get("corrected_by"))}')
for e in errors: print('ERROR:', e)
if errors or bad:
    print(f'FAILED: {len(errors)} errors, {bad} mismatches'); sys.exit(1)
print('PASSED')
