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

LEFT_WINDOW = 12
RIGHT_WINDOW = 6
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


def message_features(extraction: Extraction, analysis: Analysis) -> list[str]:
    """Indicators for a whole message: its wording and what the exact readers found."""
    body = masked(analysis.norm[analysis.body_start :])[:300]
    features = list(_ngrams("c:", body))
    features.extend(f"as:{m.activity.section}" for m in analysis.activities if m.activity)
    features.extend(f"am:{m.name}" for m in analysis.activities)
    features.extend(f"q:{fact.section}" for fact in extraction.facts)
    features.extend(f"u:{q.unit or '-'}" for q in analysis.quantities)
    features.append(f"nq:{min(len(analysis.quantities), 3)}")
    features.extend(f"s:{name}" for name in SIGNALS if extraction.signals.get(name))
    return features
