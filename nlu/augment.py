"""Generated variety: a noisy copy of a corpus line with the same labels.

Writers write more carefully than staff type. Each copy roughens one line the way chat does —
homophone typos of pinyin and voice input, full-width digits, Chinese numerals, no punctuation
(voice run-ons), an opener or a closer, an @mention — and moves every `span` with the text, so
the figures, roles, dates and intent are exactly those of the original. The words come from
data/lexicon/noise.yml; the choice of changes is seeded by the line's id, so training is
repeatable."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import yaml

from nlu.facts import BOT_NAME  # never misspelt: an @mention of it addresses the bot
from taizhang.resources import data_file

NOISE_FILE = data_file("lexicon", "noise.yml")
_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_PUNCTUATION = re.compile(r"[，,。；;！!]")
_CN = "零一二三四五六七八九"
_SMALL_NUMBER = re.compile(r"(?<![\d.％%])([1-9]\d?)(?![\d.％%])")
Record = dict[str, Any]


@lru_cache(maxsize=1)
def noise() -> dict[str, Any]:
    return yaml.safe_load(NOISE_FILE.read_text("utf-8"))


def chinese_numeral(number: int) -> str:
    """12 -> 十二, 20 -> 二十, 2 -> 两 (as a count is said before a measure word)."""
    if number == 2:
        return "两"
    if number < 10:
        return _CN[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + ("" if ones == 0 else _CN[ones])


def _spans(record: Record) -> list[dict[str, Any]]:
    return [*(record.get("facts") or []), *(record.get("other_numbers") or [])]


def _rewrite(record: Record, change: Callable[[str], str]) -> Record | None:
    """Apply `change` to the text and to every span; None when a span no longer fits."""
    text = change(record["text"])
    copy = {**record, "text": text}
    for key in ("facts", "other_numbers"):
        copy[key] = [{**item, "span": change(item["span"])} for item in record.get(key) or []]
    if text == record["text"] or any(item["span"] not in text for item in _spans(copy)):
        return None
    return copy


def _typos(record: Record, rng: random.Random) -> Record | None:
    present = [word for word in noise()["typos"] if word in record["text"]]
    if not present:
        return None
    word = rng.choice(present)
    typo = noise()["typos"][word]

    def change(s: str) -> str:  # the bot's own name stays as people @ it
        return BOT_NAME.join(part.replace(word, typo) for part in s.split(BOT_NAME))

    return _rewrite(record, change)


def _full_width(record: Record, rng: random.Random) -> Record | None:
    return _rewrite(record, lambda s: s.translate(_DIGITS))


def _chinese_numerals(record: Record, rng: random.Random) -> Record | None:
    """3件 -> 三件 in the figures' own spans only (never in dates such as 3月5日)."""
    swaps = {
        fact["span"]: _SMALL_NUMBER.sub(lambda m: chinese_numeral(int(m.group(1))), fact["span"])
        for fact in record.get("facts") or []
        if _SMALL_NUMBER.search(fact["span"])
    }

    def change(s: str) -> str:
        for old, new in swaps.items():
            s = s.replace(old, new)
        return s

    return _rewrite(record, change) if swaps else None


def _run_on(record: Record, rng: random.Random) -> Record | None:
    return _rewrite(record, lambda s: _PUNCTUATION.sub(rng.choice(["", " "]), s))


def _opener(record: Record, rng: random.Random) -> Record | None:
    text = record["text"]
    if text.startswith("@"):
        return None
    return {**record, "text": rng.choice(noise()["openers"]) + text}


def _closer(record: Record, rng: random.Random) -> Record | None:
    return {**record, "text": record["text"].rstrip("。") + rng.choice(noise()["closers"])}


def _mention(record: Record, rng: random.Random) -> Record | None:
    if record["text"].startswith("@"):
        return None
    return {**record, "text": rng.choice(noise()["mentions"]) + record["text"]}


CHANGES = (_typos, _full_width, _chinese_numerals, _run_on, _opener, _closer, _mention)


def noisy_copy(record: Record) -> Record | None:
    """One copy of `record` with two or three changes that fit it, or None if none does.
    A number written as a Chinese numeral keeps its value; dates in digits are left alone by
    reading spans only through the labels (a date is not a span)."""
    rng = random.Random(f"augment:{record.get('id')}")
    changes = list(CHANGES)
    rng.shuffle(changes)
    current, applied = record, 0
    for change in changes:
        changed = change(current, rng)
        if changed is not None:
            current, applied = changed, applied + 1
        if applied == rng.choice((2, 3)):
            break
    if applied == 0:
        return None
    return {**current, "id": f"{record.get('id')}~noisy"}
