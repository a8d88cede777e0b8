#!/usr/bin/env python3
"""Validate chat.jsonl against expected.json for hy62-zhongdu (中都街道, 汶上县, 山东, 2025).

Checks: JSON per line, keys, id sequence, time format/order, year bounds and outside_year flags,
room, contrib shape, corrected_by links, intents, and that the report figures equal the sums
(count/amount) or latest in-year values (stock/rate) over the contribs of in-year messages.
Run: python3 check.py   (exit code 0 = pass)
"""
import json, os, re, sys, datetime
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = 'hy62-zhongdu'
YEAR = 2025
ROOM = '中都街道法治工作群'
SECTIONS = {'study', 'leadership', 'functions', 'rules', 'decisions', 'enforcement', 'emergency',
            'disputes', 'oversight', 'digital', 'publicity', 'legal_services'}
KINDS = {'count', 'amount', 'stock', 'rate'}
INTENTS = {'log_activity', 'query_progress', 'request_report', 'correct_last', 'help', 'greet', 'out_of_scope'}
REQUIRED = {'id', 'time', 'room', 'sender', 'text', 'contrib'}
OPTIONAL = {'intent', 'outside_year', 'corrected_by', 'note'}
CKEYS = {'section', 'activity', 'value', 'unit', 'kind'}

errors = []
def err(msg):
    errors.append(msg)

# ---------- expected.json ----------
with open(os.path.join(HERE, 'expected.json'), encoding='utf-8') as f:
    expected = json.load(f)
exp_keys = {}
for e in expected:
    for k in ('section', 'activity', 'value', 'unit', 'kind', 'quote'):
        if k not in e:
            err(f'expected.json: figure missing {k}: {e}')
    if e['kind'] not in KINDS or e['section'] not in SECTIONS:
        err(f'expected.json: bad kind/section: {e}')
    key = (e['section'], e['activity'], e['unit'], e['kind'])
    if key in exp_keys:
        err(f'expected.json: duplicate figure {key}')
    exp_keys[key] = e['value']

# optional cross-check with the brief's figures (if the brief folder is present)
brief = os.path.join(HERE, '..', 'briefs', 'r62', 'figures.jsonl')
if os.path.exists(brief):
    want = {}
    for line in open(brief, encoding='utf-8'):
        if line.strip():
            g = json.loads(line)
            if g['kind'] == 'target' or g['section'] == 'other':
                continue
            want[(g['section'], g['activity'], g['unit'], g['kind'])] = g['value']
    if want != exp_keys:
        err(f'expected.json does not match the brief figures: {set(want.items()) ^ set(exp_keys.items())}')

# ---------- chat.jsonl ----------
rows = []
with open(os.path.join(HERE, 'chat.jsonl'), encoding='utf-8') as f:
    for n, line in enumerate(f, 1):
        if not line.strip():
            err(f'line {n}: empty line'); continue
        try:
            rows.append(json.loads(line))
        except Exception as ex:
            err(f'line {n}: invalid JSON: {ex}')

if not (250 <= len(rows) <= 360):
    err(f'{len(rows)} messages, expected about 300')

TIME_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$')
id_pos = {}
prev_t = None
before = after = 0
for i, r in enumerate(rows, 1):
    rid = r.get('id', f'#{i}')
    keys = set(r)
    if not REQUIRED <= keys:
        err(f'{rid}: missing keys {REQUIRED - keys}')
        continue
    if keys - REQUIRED - OPTIONAL:
        err(f'{rid}: unknown keys {keys - REQUIRED - OPTIONAL}')
    if r['id'] != f'{FOLDER}-{i:04d}':
        err(f'{rid}: id out of sequence (want {FOLDER}-{i:04d})')
    id_pos[r['id']] = i
    if r['room'] != ROOM:
        err(f'{rid}: room {r["room"]!r}')
    if not isinstance(r['sender'], str) or not r['sender'] or not isinstance(r['text'], str) or not r['text'].strip():
        err(f'{rid}: empty sender/text')
    if not TIME_RE.match(r['time']):
        err(f'{rid}: bad time format {r["time"]}'); continue
    t = datetime.datetime.fromisoformat(r['time'])
    if prev_t and t < prev_t:
        err(f'{rid}: time goes backwards')
    prev_t = t
    outside = t.year != YEAR
    if outside:
        if r.get('outside_year') is not True:
            err(f'{rid}: outside {YEAR} but outside_year not true')
        if t.year < YEAR: before += 1
        else: after += 1
    elif 'outside_year' in r:
        err(f'{rid}: in {YEAR} but has outside_year')
    if not (YEAR - 1 <= t.year <= YEAR + 1):
        err(f'{rid}: time too far from {YEAR}')
    if not isinstance(r['contrib'], list):
        err(f'{rid}: contrib not a list'); continue
    for c in r['contrib']:
        ck = set(c)
        if not CKEYS <= ck or ck - CKEYS - {'extra'}:
            err(f'{rid}: bad contrib keys {sorted(ck)}'); continue
        if c['section'] not in SECTIONS: err(f'{rid}: bad section {c["section"]}')
        if c['kind'] not in KINDS: err(f'{rid}: bad kind {c["kind"]}')
        if not isinstance(c['value'], (int, float)) or isinstance(c['value'], bool): err(f'{rid}: bad value')
        if not c['activity'] or not c['unit']: err(f'{rid}: empty activity/unit')
        if 'extra' in c and c['extra'] is not True: err(f'{rid}: extra must be true when present')
    intent = r.get('intent')
    if intent is not None:
        if intent not in INTENTS:
            err(f'{rid}: bad intent {intent}')
        elif intent == 'log_activity' and not r['contrib']:
            err(f'{rid}: log_activity without contrib')
        elif intent not in ('log_activity', 'correct_last') and r['contrib']:
            err(f'{rid}: {intent} must not contribute')

if before == 0 or after == 0:
    err('need messages outside the year at both edges')

# corrected_by links
for r in rows:
    if 'corrected_by' in r:
        tgt = r['corrected_by']
        if tgt not in id_pos:
            err(f'{r["id"]}: corrected_by {tgt} not found')
        elif id_pos[tgt] <= id_pos[r['id']]:
            err(f'{r["id"]}: corrected_by must point to a later message')
        else:
            cm = rows[id_pos[tgt] - 1]
            if cm.get('intent', 'correct_last') != 'correct_last':
                err(f'{tgt}: correcting message should have intent correct_last')
            if not cm['contrib']:
                err(f'{tgt}: correcting message has no contrib')

# ---------- figures ----------
sums = defaultdict(float)
latest = {}
extra_count = 0
for r in rows:
    if r.get('outside_year'):
        continue
    for c in r['contrib']:
        key = (c['section'], c['activity'], c['unit'], c['kind'])
        if c.get('extra'):
            extra_count += 1
            if (c['section'], c['activity'], c['unit']) in {(k[0], k[1], k[2]) for k in exp_keys}:
                err(f'{r["id"]}: extra contrib reuses a report figure {key}')
            continue
        if key not in exp_keys:
            err(f'{r["id"]}: non-extra contrib {key} is not a report figure (mark it extra)')
            continue
        if c['kind'] in ('count', 'amount'):
            sums[key] += c['value']
        else:
            latest[key] = c['value']

for key, val in exp_keys.items():
    got = sums.get(key) if key[3] in ('count', 'amount') else latest.get(key)
    if got is None:
        err(f'figure {key} = {val}: no contribution')
    elif abs(got - val) > 1e-9:
        err(f'figure {key}: expected {val}, chat gives {got:g}')

if errors:
    print('FAIL')
    for e in errors:
        print(' -', e)
    sys.exit(1)
print(f'OK: {len(rows)} messages ({before} before / {after} after {YEAR}), '
      f'{len(exp_keys)} report figures match, {extra_count} extra contributions')
for key, val in exp_keys.items():
    print(f'  {key[0]:15s} {key[1]} = {val} {key[2]} ({key[3]})')
