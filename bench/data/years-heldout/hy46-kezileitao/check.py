#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json (folder hy46, year 2025)."""
import json, os, re, sys
from datetime import datetime
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
YEAR = 2025
FOLDER = 'hy46'
ROOM = '克孜勒陶镇法治工作群'
SECTIONS = {'study', 'leadership', 'functions', 'rules', 'decisions', 'enforcement', 'emergency',
            'disputes', 'oversight', 'digital', 'publicity', 'legal_services'}
KINDS = {'count', 'amount', 'stock', 'rate'}
REQ = {'id', 'time', 'room', 'sender', 'text', 'contrib'}
OPT = {'outside_year', 'corrected_by'}
CKEYS = {'section', 'activity', 'value', 'unit', 'kind'}

errors = []
def err(msg):
    errors.append(msg)

rows = []
with open(os.path.join(HERE, 'chat.jsonl'), encoding='utf-8') as f:
    for n, line in enumerate(f, 1):
        try:
            rows.append(json.loads(line))
        except Exception as e:
            err(f'line {n}: bad JSON: {e}')
ids = [r.get('id') for r in rows]
idpos = {i: k for k, i in enumerate(ids)}
prev = None
senders = set()
for k, r in enumerate(rows):
    where = r.get('id', f'line {k+1}')
    keys = set(r)
    if not REQ <= keys: err(f'{where}: missing keys {REQ - keys}')
    if keys - REQ - OPT: err(f'{where}: unknown keys {keys - REQ - OPT}')
    if r.get('id') != f'{FOLDER}-{k+1:04d}': err(f'{where}: id out of sequence')
    if r.get('room') != ROOM: err(f'{where}: room')
    if not isinstance(r.get('text'), str) or not r['text'].strip(): err(f'{where}: empty text')
    senders.add(r.get('sender'))
    try:
        t = datetime.fromisoformat(r['time'])
        if not r['time'].endswith('+08:00'): err(f'{where}: not +08:00')
    except Exception:
        err(f'{where}: bad time'); continue
    if prev and t < prev: err(f'{where}: time order')
    prev = t
    outside = t.year != YEAR
    if outside != bool(r.get('outside_year', False)): err(f'{where}: outside_year flag wrong')
    if 'outside_year' in r and r['outside_year'] is not True: err(f'{where}: outside_year must be true')
    if not isinstance(r.get('contrib'), list): err(f'{where}: contrib not list'); continue
    for c in r['contrib']:
        ck = set(c)
        if not CKEYS <= ck or ck - CKEYS - {'extra'}: err(f'{where}: contrib keys {ck}')
        if c.get('section') not in SECTIONS: err(f'{where}: section {c.get("section")}')
        if c.get('kind') not in KINDS: err(f'{where}: kind {c.get("kind")}')
        if not isinstance(c.get('value'), (int, float)) or isinstance(c.get('value'), bool): err(f'{where}: value')
        if 'extra' in c and c['extra'] is not True: err(f'{where}: extra must be true')
        if not c.get('activity') or not c.get('unit'): err(f'{where}: empty activity/unit')
    cb = r.get('corrected_by')
    if cb is not None:
        if cb not in idpos: err(f'{where}: corrected_by unknown {cb}')
        elif idpos[cb] <= k: err(f'{where}: corrected_by not later')
if len(set(ids)) != len(ids): err('duplicate ids')
if not 6 <= len(senders) <= 10: err(f'{len(senders)} senders')

# ledger over the year, report figures only (extra excluded)
sums = defaultdict(float); latest = {}
for r in rows:
    if r.get('outside_year'): continue
    for c in r['contrib']:
        if c.get('extra'): continue
        key = (c['section'], c['activity'], c['unit'], c['kind'])
        if c['kind'] in ('count', 'amount'): sums[key] += c['value']
        else: latest[key] = c['value']
with open(os.path.join(HERE, 'expected.json'), encoding='utf-8') as f:
    expected = json.load(f)
exp_keys = set()
for e in expected:
    key = (e['section'], e['activity'], e['unit'], e['kind'])
    if key in exp_keys: err(f'duplicate expected {key}')
    exp_keys.add(key)
    if not e.get('quote'): err(f'no quote for {key}')
    got = sums.get(key) if e['kind'] in ('count', 'amount') else latest.get(key)
    if got is None or abs(got - e['value']) > 1e-9:
        err(f'{key}: expected {e["value"]}, ledger gives {got}')
for key in list(sums) + list(latest):
    if key not in exp_keys: err(f'non-extra contrib not in expected: {key}')

n_extra = sum(1 for r in rows for c in r['contrib'] if c.get('extra'))
print(f'{len(rows)} messages, {len(senders)} senders, {n_extra} extra contribs, '
      f'{sum(1 for r in rows if r.get("outside_year"))} outside the year, '
      f'{sum(1 for r in rows if "corrected_by" in r)} corrected')
if errors:
    print('\n'.join(errors)); print('FAIL'); sys.exit(1)
print('OK')
