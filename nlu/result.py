"""The parse contract: what `taizhang parse --json` prints and what the dispatcher consumes.

Other issues and outside checks rely on these keys exactly; change them only with care.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from nlu.periods import Period as Stretch

Intent = Literal[
    "log_activity",
    "query_progress",
    "request_report",
    "correct_last",
    "help",
    "greet",
    "out_of_scope",
]
INTENTS: tuple[str, ...] = (
    "log_activity",
    "query_progress",
    "request_report",
    "correct_last",
    "help",
    "greet",
    "out_of_scope",
)
Period = Literal["year", "quarter", "month", "week"]


def plain_number(value: float) -> int | float:
    """3.0 -> 3 so JSON shows whole numbers as integers; 6.177 stays a float."""
    if isinstance(value, int):
        return value
    as_int = int(value)
    return as_int if as_int == value else round(value, 6)


@dataclass(frozen=True)
class Fact:
    """One countable thing a message reports: 调解矛盾纠纷 3件 on 2024-05-16 in 白岩村."""

    section: str
    activity: str
    value: float
    unit: str
    date: date
    place: str | None = None
    # new: work done in the period (summed); stock: a standing number (latest value kept);
    # part / running_total / target / plan: said in the message but not work done.
    role: str = "new"
    # How sure the learned model is of this fact (its probability); below the settings'
    # `fact_confidence_threshold` the bot asks before logging. Not part of the JSON contract.
    confidence: float = field(default=1.0, compare=False)

    def to_dict(self) -> dict[str, Any]:
        result = {
            "section": self.section,
            "activity": self.activity,
            "value": plain_number(self.value),
            "unit": self.unit,
            "date": self.date.isoformat(),
            "place": self.place,
        }
        if self.role != "new":
            result["role"] = self.role
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fact:
        """The inverse of `to_dict` (a parse stored on a message, read back)."""
        return cls(
            section=data["section"],
            activity=data["activity"],
            value=float(data["value"]),
            unit=data["unit"],
            date=date.fromisoformat(data["date"]),
            place=data.get("place"),
            role=data.get("role", "new"),
        )


@dataclass(frozen=True)
class Correction:
    """Either a new value for the sender's last fact, or its retraction.

    `unit` is the measure word written after the new value ("更正为4件" -> 件), which tells
    the bot which figure is meant; it is not part of the published contract (to_dict)."""

    value: float | None = None
    retract: bool = False
    unit: str | None = None
    # "少算了5条" (+5) / "多报了2场" (−2): a change of the figure instead of its new value
    delta: float | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.retract:
            return {"retract": True}
        if self.delta is not None:
            return {"delta": plain_number(self.delta)}
        return {"value": plain_number(self.value) if self.value is not None else None}


@dataclass(frozen=True)
class Query:
    """A progress question: which section (None = all) over which period.

    `uncovered` marks "哪些板块还没有记录": list sections without records instead of totals.
    `dates` is the exact stretch of days the question names (nlu.periods), when it names one:
    `period` is its coarse kind; the answer counts over `dates`. It shows as "start"/"end".
    """

    section: str | None = None
    period: Period | None = None
    uncovered: bool = False
    dates: Stretch | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "section": self.section,
            "period": self.period,
            "uncovered": self.uncovered,
        }
        if self.dates is not None:
            result["start"] = self.dates.start.isoformat()
            result["end"] = self.dates.end.isoformat()
        return result


# Roles of figures a message states that are not work done: kept on the message, never stored.
NOT_WORK_ROLES = frozenset({"part", "running_total", "target", "plan"})
RATE_UNITS = frozenset({"%", "％"})


@dataclass
class ParseResult:
    """The whole understanding of one message.

    `facts` holds every figure read, each with its role; `work` only those the ledger stores."""

    text: str
    intent: str
    confidence: float
    facts: list[Fact] = field(default_factory=list)
    correction: Correction | None = None
    query: Query | None = None
    id: Any = None
    error: str | None = None  # the extractor failed on this text: review it, act on nothing

    @property
    def work(self) -> list[Fact]:
        """The facts that are work done (role new or stock): what the ledger stores. A rate
        read as a running total ("全年…调解成功率98.8%") is the rate as it stands, a value the
        ledger states and never sums: it is stored as a stock."""
        result = []
        for fact in self.facts:
            if fact.role == "running_total" and fact.unit in RATE_UNITS:
                result.append(replace(fact, role="stock"))
            elif fact.role not in NOT_WORK_ROLES:
                result.append(fact)
        return result

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "intent": self.intent,
            "confidence": round(float(self.confidence), 4),
            "facts": [f.to_dict() for f in self.facts],
            "correction": self.correction.to_dict() if self.correction else None,
            "query": self.query.to_dict() if self.query else None,
        } | ({"error": self.error} if self.error else {})
