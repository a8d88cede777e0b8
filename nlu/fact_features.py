"""Features for the learned fact model: a number in its context, and a message as a whole.

Features are strings (sparse indicators), so the model learns from wording it has seen in the
corpus instead of from hand-made signals. The lexicon's reading (`data/sections.yml`: which
activity phrase a number follows) is one feature among many, not the decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nlu.facts import Analysis, Extraction
from nlu.numbers import Quantity, unit_kind
from nlu.sections import find_section_id, find_section_keyword

LEFT_WINDOW = 12
RIGHT_WINDOW = 6
# The whole sentence around a number (up to this many characters each side) says what the
# number is when its near words do not: "…调处了4起，三起是邻里的…" or "到今天为止今年一共…47处".
SENTENCE_WINDOW = 80
# How the message opens frames all its numbers: "截至3月28日：…", "民法典宣传月总结：…", "补报：…".
HEAD_WINDOW = 10
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
_CHINESE_NUMERAL = re.compile(r"[一二两三四五六七八九十百千万俩仨半]")
# Signals of the rule reader worth knowing for every number (plans, notices, questions …)
SIGNALS = (
    "has_future_marker",
    "has_request_marker",
    "has_question",
    "has_progress_word",
    "has_plan_word",
    "has_colleague_mention",
    "has_forward_marker",
    "has_correction_word",
    "has_retract_word",
    "has_past_marker",
    "has_period_word",
)


def masked(text: str) -> str:
    """Digits carry no wording: 3件 and 12件 read alike."""
    return _DIGIT.sub("0", text)


def _ngrams(prefix: str, text: str, sizes: tuple[int, ...] = (1, 2, 3)) -> Iterator[str]:
    for size in sizes:
        for i in range(len(text) - size + 1):
            yield f"{prefix}{text[i : i + size]}"


def _sentence_start(norm: str, position: int, floor: int) -> int:
    start = floor
    for found in _SENTENCE_END.finditer(norm, floor, position):
        start = found.end()
    return start


def _sentence_end(norm: str, position: int) -> int:
    found = _SENTENCE_END.search(norm, position)
    return found.start() if found else len(norm)


def quantity_features(
    extraction: Extraction, analysis: Analysis, index: int, rule: tuple[str, str] | None
) -> list[str]:
    """Indicators for quantity `index` of the message; `rule` is (section, activity) of the
    lexicon reading of this number, if it gave one."""
    norm = analysis.norm
    quantity: Quantity = analysis.quantities[index]
    floor = analysis.body_start
    left = masked(norm[max(floor, quantity.start - LEFT_WINDOW) : quantity.start])
    right = masked(norm[quantity.end : quantity.end + RIGHT_WINDOW])
    sentence = _sentence_start(norm, quantity.start, floor)
    near_left = masked(norm[max(sentence, quantity.start - 4) : quantity.start])
    features = [
        f"u:{quantity.unit or '-'}",
        f"uk:{unit_kind(quantity.unit) or '-'}",
        f"l1:{left[-1:]}",
        f"l2:{left[-2:]}",
        f"l3:{left[-3:]}",
        f"r1:{right[:1]}",
        f"r2:{right[:2]}",
        f"idx:{min(index, 3)}",
        f"rs:{rule[0] if rule else '-'}",
        f"ra:{rule[1] if rule else '-'}",
        "cn" if _CHINESE_NUMERAL.search(quantity.raw) else "digits",
    ]
    if quantity.approx:
        features.append("approx")
    if quantity.start - sentence <= 1:
        features.append("sentence_head")
    features.extend(_ngrams("l:", left))
    features.extend(_ngrams("n:", near_left, (1, 2)))
    features.extend(_ngrams("r:", right, (1, 2)))
    whole = masked(
        norm[
            max(sentence, quantity.start - SENTENCE_WINDOW) : min(
                _sentence_end(norm, quantity.end), quantity.end + SENTENCE_WINDOW
            )
        ]
    )
    features.extend(set(_ngrams("sc:", whole, (1, 2))))
    head = masked(norm[floor : floor + HEAD_WINDOW])
    features.extend(set(_ngrams("h:", head, (1, 2))))
    earlier = [q for q in analysis.quantities[:index] if q.start >= sentence]
    if earlier:
        features.append("prev_in_sentence")
        if any(q.unit == quantity.unit for q in earlier):
            features.append("prev_same_unit")
        if any(q.value > quantity.value and q.unit == quantity.unit for q in earlier):
            features.append("prev_larger_same_unit")
    before = [m for m in analysis.activities if m.end <= quantity.start]
    if before:
        nearest = before[-1]
        section = nearest.activity.section if nearest.activity else "verb"
        features.append(f"as:{section}")
        features.append(f"am:{nearest.name}")
        gap = quantity.start - nearest.end
        features.append(f"ad:{min(gap, 8) // 3}")
    after = [m for m in analysis.activities if m.start >= quantity.end]
    if after:
        section = after[0].activity.section if after[0].activity else "verb"
        features.append(f"af:{section}")
    features.extend(f"s:{name}" for name in SIGNALS if extraction.signals.get(name))
    return features


# A sentence-like piece of a message: one reported event at most, as a clerk reads it.
_SEGMENT_BREAK = re.compile(r"[，,。；;！!？?\n\r]+")


def event_segments(analysis: Analysis) -> list[tuple[int, int]]:
    """The message body cut at sentence punctuation and line breaks (not at 、 or spaces:
    "在双河村、桂花村各摆了一次坝坝会" is one event's words)."""
    bounds: list[tuple[int, int]] = []
    start = analysis.body_start
    for brk in _SEGMENT_BREAK.finditer(analysis.norm, analysis.body_start):
        if brk.start() > start:
            bounds.append((start, brk.start()))
        start = brk.end()
    if start < len(analysis.norm):
        bounds.append((start, len(analysis.norm)))
    return bounds


def segment_features(
    extraction: Extraction,
    analysis: Analysis,
    segments: list[tuple[int, int]],
    index: int,
    rules: dict[int, tuple[str, str]],
) -> list[str]:
    """Indicators for segment `index`: its own wording, its neighbours', what the exact readers
    found in it (activity phrases, numbers and their units, `rules`: the lexicon's reading of
    each number by where it starts) and the message's signals."""
    norm = analysis.norm
    start, end = segments[index]
    text = masked(norm[start:end])[:120]
    features = list(_ngrams("c:", text))
    if index > 0:
        before = segments[index - 1]
        features.extend(_ngrams("p:", masked(norm[before[0] : before[1]])[-12:], (1, 2)))
    else:
        features.append("first")
    if index + 1 < len(segments):
        after = segments[index + 1]
        features.extend(_ngrams("x:", masked(norm[after[0] : after[1]])[:12], (1, 2)))
    else:
        features.append("last")
    features.append(f"ns:{min(len(segments), 4)}")
    inside = [m for m in analysis.activities if start <= m.start < end]
    features.extend(f"as:{m.activity.section}" for m in inside if m.activity)
    features.extend(f"am:{m.name}" for m in inside)
    if not inside:
        features.append("no_activity")
    numbers = [q for q in analysis.quantities if start <= q.start < end]
    features.extend(f"u:{q.unit or '-'}" for q in numbers)
    features.append(f"nq:{min(len(numbers), 2)}")
    features.extend(f"q:{rules[q.start][0]}" for q in numbers if q.start in rules)
    features.extend(f"s:{name}" for name in SIGNALS if extraction.signals.get(name))
    return features


def correction_features(extraction: Extraction, analysis: Analysis) -> list[str]:
    """Indicators for what a correction does (withdraw, restate, change by): its wording."""
    body = masked(analysis.norm[analysis.body_start :])[:120]
    features = list(_ngrams("c:", body))
    features.append(f"nq:{min(len(analysis.quantities), 3)}")
    features.extend(f"s:{name}" for name in SIGNALS if extraction.signals.get(name))
    return features


# Signals of the rule reader that bear on what a question asks
QUERY_SIGNALS = SIGNALS + ("has_uncovered_phrase", "has_section_keyword")


def query_features(extraction: Extraction, analysis: Analysis) -> list[str]:
    """Indicators for what a progress question asks (which section, or which sections lack
    records): its wording, the section its keywords (or its id) name (`data/sections.yml`), the
    sections of the activities it names, the coarse period it names, and the message's signals."""
    body = masked(analysis.norm[analysis.body_start :])[:120]
    features = list(_ngrams("c:", body))
    keyword = find_section_keyword(body) or find_section_id(body)
    features.append(f"kw:{keyword or '-'}")
    sections = [m.activity.section for m in analysis.activities if m.activity]
    features.extend(f"as:{section}" for section in sections)
    features.extend(f"am:{m.name}" for m in analysis.activities)
    if not analysis.activities:
        features.append("no_activity")
    features.append(f"nq:{min(len(analysis.quantities), 2)}")
    query = extraction.query
    features.append(f"pd:{query.period if query else '-'}")
    features.extend(f"s:{name}" for name in QUERY_SIGNALS if extraction.signals.get(name))
    return features
