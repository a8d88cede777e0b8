"""The dated examples a report cites, composed from ledger facts, never from chat words.

A member writes "11月30日在石门村搞了一场普法宣传，都调成了"; the report wants "11月30日，在
石门村开展普法宣传活动1场". Each example is the facts one message reported for one section on
one day (activity, figure, place, topic), so chat words ("搞了", "四十来个人") cannot reach the
draft: only the normalised activity names and the stored numbers do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bot.reports.model import Figure, Highlight
from bot.reports.topics import topic_of


def by_message(facts: Iterable[Highlight], section: str) -> list[Highlight]:
    """One highlight per (message, date of the work): its facts as figures, in order."""
    grouped: dict[tuple, list[Highlight]] = {}
    for item in facts:
        grouped.setdefault((item.text, item.person, item.date), []).append(item)
    result = []
    for (text, _person, _day), items in grouped.items():
        figures = tuple(
            Figure(i.label, i.value, i.unit) for i in items if i.value is not None and i.label
        )
        result.append(
            replace(
                items[0],
                place=next((i.place for i in items if i.place), None),
                shared=any(i.shared for i in items),
                figures=figures,
                topic=topic_of(text, section),
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
        key = (item.text.strip(), item.date)
        if key[0] and key not in unique and key[0] not in exclude:
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
