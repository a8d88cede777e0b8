"""The dated examples a report cites, composed from ledger facts, never from chat words.

A member writes "11月30日在石门村搞了一场普法宣传，都调成了"; the report wants "11月30日，在
石门村开展普法宣传活动1场". Each example is the facts one message reported for one section on
one day (activity, figure, place, topic), so chat words ("搞了", "四十来个人") cannot reach the
draft: only the normalised activity names and the stored numbers do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bot.reports.figures import is_rate
from bot.reports.model import Figure, Highlight
from bot.reports.topics import topic_of
from nlu.sections import section_by_id


def _figures(items: list[Highlight]) -> tuple[Figure, ...]:
    """The message's figures, one per activity and unit: two parts of the same work in one
    message are added ("审查合同2份，审查合同2份" -> 审查合同4份); a stock or a rate keeps its
    last value."""
    merged: dict[tuple[str, str], Figure] = {}
    for item in items:
        if item.value is None or not item.label:
            continue
        stated = item.is_stock or is_rate(item.unit)
        key = (item.label, item.unit)
        before = merged.get(key)
        value = item.value if stated or before is None else before.value + item.value
        merged[key] = Figure(item.label, value, item.unit, stated)
    return tuple(merged.values())


def by_message(facts: Iterable[Highlight], section: str) -> list[Highlight]:
    """One highlight per (message, date of the work): its facts as figures, in order."""
    grouped: dict[tuple, list[Highlight]] = {}
    for item in facts:
        grouped.setdefault((item.text, item.person, item.date), []).append(item)
    known = section_by_id(section)
    participants = known.participant_activity if known is not None else None
    result = []
    for (text, _person, _day), items in grouped.items():
        # the work first, then who took part: "开展应急演练，参演900人"
        figures = tuple(sorted(_figures(items), key=lambda f: f.label == participants))
        result.append(
            replace(
                items[0],
                place=next((i.place for i in items if i.place), None),
                shared=any(i.shared for i in items),
                figures=figures,
                topic=topic_of(text, section, tuple(f.label for f in figures)),
            )
        )
    return sorted(result, key=lambda h: (h.date, h.text))


def _interest(item: Highlight) -> tuple:
    """Higher is better: about this section alone, names a place or a topic, carries more
    figures, reports a larger number."""
    return (
        not item.shared,
        item.place is not None or item.topic is not None,
        len(item.figures),
        item.value or 0,
    )


def pick_highlights(
    candidates: Iterable[Highlight], at_most: int, exclude: set[str] | frozenset[str] = frozenset()
) -> list[Highlight]:
    """Up to `at_most` examples spread over the year, in date order.

    The candidates (one per message; texts in `exclude` were already cited elsewhere) are
    cut into `at_most` stretches of the year and the most telling one of each is taken, so
    the examples do not all come from January.
    """
    unique: dict[tuple, Highlight] = {}
    for item in sorted(candidates, key=lambda h: (h.date, h.text)):
        if not item.text.strip() or item.text.strip() in exclude:
            continue
        # the same work on the same day, reported twice, is one example
        key = (item.date, item.label)
        if key not in unique or _interest(item) > _interest(unique[key]):
            unique[key] = item
    ordered = list(unique.values())
    if at_most <= 0 or not ordered:
        return []
    count = min(at_most, len(ordered))
    chosen: list[Highlight] = []
    labels: set[str] = set()
    days: set = set()
    for index in range(count):
        stretch = ordered[index * len(ordered) // count : (index + 1) * len(ordered) // count]
        # a day not yet cited, then a kind of work not yet cited, wins over a
        # better-documented repeat ("6月7日，…；6月7日，…" reads as one day told twice)
        best = max(stretch, key=lambda h: (h.date not in days, h.label not in labels, _interest(h)))
        if best.date in days:
            continue
        chosen.append(best)
        labels.add(best.label)
        days.add(best.date)
    return chosen
