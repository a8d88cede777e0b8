"""Scoring parse outputs against the held-out file: intent accuracy and fact P/R/F1.

A fact counts as right when its section, value, unit and date all match an expected fact
of the same message (multiset matching, so two identical facts need two matches).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bot.storage.units import base_units
from nlu.result import NOT_WORK_ROLES  # figures that are not work done: never summed


def is_work(fact: dict[str, Any]) -> bool:
    """A fact the ledger stores as work (role new, the default, or stock)."""
    return fact.get("role", "new") not in NOT_WORK_ROLES


def fact_key(fact: dict[str, Any], canonical_units: bool = False) -> tuple[str, float, str, str]:
    """What must match: section, value, unit and date (units the ledger sums together may be
    compared by their base with `canonical_units`: 3起 and 3件 are the same figure there)."""
    unit = fact["unit"]
    if canonical_units:
        base = base_units().get(unit)
        if base is not None and base[1] == 1:
            unit = base[0]
    return (fact["section"], round(float(fact["value"]), 6), unit, fact["date"])


@dataclass
class Score:
    """Running totals over a file; `errors` keeps the mismatches for reading."""

    messages: int = 0
    intent_right: int = 0
    facts_expected: int = 0
    facts_predicted: int = 0
    facts_right: int = 0
    oos_messages_with_facts: int = 0
    places_expected: int = 0
    places_right: int = 0
    correction_expected: int = 0
    correction_right: int = 0
    query_expected: int = 0
    query_right: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    canonical_units: bool = False

    def add(self, expected: dict[str, Any], predicted: dict[str, Any]) -> None:
        self.messages += 1
        intent_ok = expected["intent"] == predicted["intent"]
        self.intent_right += intent_ok
        canonical = self.canonical_units
        want = Counter(fact_key(f, canonical) for f in expected.get("facts") or [] if is_work(f))
        got = Counter(fact_key(f, canonical) for f in predicted.get("facts") or [] if is_work(f))
        right = sum((want & got).values())
        self.facts_expected += sum(want.values())
        self.facts_predicted += sum(got.values())
        self.facts_right += right
        # Work read in chatter: a running total kept on a chatter message is no work.
        if expected["intent"] == "out_of_scope" and got:
            self.oos_messages_with_facts += 1
        for fact in expected.get("facts") or []:
            if fact.get("place"):
                self.places_expected += 1
                self.places_right += any(
                    p.get("place") == fact["place"] for p in predicted.get("facts") or []
                )
        if expected.get("correction"):
            self.correction_expected += 1
            self.correction_right += predicted.get("correction") == expected["correction"]
        if expected.get("query"):
            self.query_expected += 1
            got_query = predicted.get("query") or {}
            self.query_right += all(got_query.get(k) == v for k, v in expected["query"].items())
        if not intent_ok or want != got:
            self.errors.append(
                {
                    "id": expected["id"],
                    "text": expected["text"][:80],
                    "intent": f"{expected['intent']} -> {predicted['intent']}",
                    "missing": sorted(map(str, (want - got).elements())),
                    "extra": sorted(map(str, (got - want).elements())),
                }
            )

    @property
    def intent_accuracy(self) -> float:
        return self.intent_right / self.messages if self.messages else 0.0

    @property
    def precision(self) -> float:
        return self.facts_right / self.facts_predicted if self.facts_predicted else 0.0

    @property
    def recall(self) -> float:
        return self.facts_right / self.facts_expected if self.facts_expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(
    expected: list[dict[str, Any]],
    predicted: list[dict[str, Any]],
    canonical_units: bool = False,
) -> Score:
    by_id = {p["id"]: p for p in predicted}
    result = Score(canonical_units=canonical_units)
    for item in expected:
        result.add(item, by_id[item["id"]])
    return result
