"""Turning logged chat messages into the dated examples a report cites.

A member writes "@法治台账 昨天在白岩村开展普法宣传两场，发放资料500份👍"; the report
wants "5月18日，在白岩村开展普法宣传两场，发放资料500份". The date comes from the fact
(already resolved by the parser), so the message's own date words are removed, along with
the mention, chat fillers and emoji.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.reports.model import Highlight

_MENTION = re.compile(r"@\S+?[\s\u2005]")
_CHAT_PREFIX = re.compile(
    r"^(?:报告|汇报|报一下|报个数|记一下|记录一下|登记一下|台账|更新一下|补报|补录|补充)"
    r"[一下]*[:：，,\s]*"
)
_WEEKDAY = r"[一二三四五六日天1-7]"
_DATE_WORDS = re.compile(
    "^(?:"
    + "|".join(
        (
            r"(?:\d{4}年)?\d{1,2}月\d{1,2}[日号](?:[至到\-~—]\d{1,2}[日号]?)?",
            r"\d{1,2}[./-]\d{1,2}(?![\d万件场次份人])",
            r"\d{1,2}[日号]",
            rf"(?:上|本|这)(?:周|星期|礼拜){_WEEKDAY}?",
            rf"(?:周|星期|礼拜){_WEEKDAY}",
            r"今天|今日|今早|今晚|昨天|昨日|昨晚|前天|刚才|刚刚|上午|下午|晚上|早上|中午",
            r"截至目前|截止目前|截至今天|截止今天|到目前为止|目前|今年以来",
        )
    )
    + r")[，,、\s]*"
)
# Relative day words inside the text would contradict the highlight's own date ("1月29日，
# 便民服务中心今天办件6件"), so they go wherever they stand.
_RELATIVE_DAY = re.compile(r"今天|今日|昨天|昨日|前天|刚才|刚刚")
_SUBJECT = re.compile(r"^(?:我们|我)(?![镇乡])")
# emoji and pictographs, plus the variation selector that often trails them
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]")
_CLAUSE_END = re.compile(r"[，。；！？,;!?]")
_ASCII_COMMA = re.compile(r"\s*,\s*")
_ASCII_SEMI = re.compile(r"\s*;\s*")


def clean_message(text: str, max_chars: int = 70) -> str | None:
    """The message as report prose (no date words, mention, filler, emoji), or None if empty.

    The text is never reworded: only removed from the front and cut at a clause boundary,
    so every number in it stays as the member wrote it.
    """
    cleaned = _MENTION.sub("", text + " ").strip()
    cleaned = _EMOJI.sub("", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    for _ in range(4):  # "报告：昨天下午，我们在…" needs several passes
        before = cleaned
        cleaned = _CHAT_PREFIX.sub("", cleaned)
        cleaned = _DATE_WORDS.sub("", cleaned)
        cleaned = _SUBJECT.sub("", cleaned)
        cleaned = cleaned.lstrip("，,、:： ")
        if cleaned == before:
            break
    cleaned = _RELATIVE_DAY.sub("", cleaned)
    cleaned = _ASCII_COMMA.sub("，", cleaned)
    cleaned = _ASCII_SEMI.sub("；", cleaned)
    cleaned = re.sub(r"(?<=[^\s，；])\s+(?=[^\s，；])", "，", cleaned).replace(" ", "")
    if len(cleaned) > max_chars:
        cut = [m.start() for m in _CLAUSE_END.finditer(cleaned) if m.start() <= max_chars]
        cleaned = cleaned[: cut[-1]] if cut else cleaned[:max_chars]
    cleaned = cleaned.rstrip("，。；！？,.;!?~～、 ")
    if len(cleaned) < 4 or not re.search(r"[\u4e00-\u9fff]{2}", cleaned):
        return None
    return cleaned


def _interest(item: Highlight) -> tuple:
    """Higher is better: about this section alone, names a place, carries more figures,
    reports a larger number."""
    figures = len(re.findall(r"\d+", item.text))
    return (not item.shared, item.place is not None, figures, item.value or 0)


def pick_highlights(
    candidates: Iterable[Highlight], at_most: int, exclude: set[str] | frozenset[str] = frozenset()
) -> list[Highlight]:
    """Up to `at_most` examples spread over the year, in date order.

    The candidates (one per message; texts in `exclude` were already cited elsewhere) are
    cut into `at_most` stretches of the year and the most telling one of each is taken, so
    the examples do not all come from January.
    """
    unique: dict[str, Highlight] = {}
    for item in sorted(candidates, key=lambda h: (h.date, h.text)):
        key = item.text.strip()
        if key and key not in unique and key not in exclude:
            unique[key] = item
    ordered = list(unique.values())
    if at_most <= 0 or not ordered:
        return []
    count = min(at_most, len(ordered))
    chosen: list[Highlight] = []
    labels: set[str] = set()
    for index in range(count):
        stretch = ordered[index * len(ordered) // count : (index + 1) * len(ordered) // count]
        # a kind of work not yet cited wins over a better-documented repeat
        best = max(stretch, key=lambda h: (h.label not in labels, _interest(h)))
        chosen.append(best)
        labels.add(best.label)
    return chosen
