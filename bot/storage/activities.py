"""Activity names in the ledger: which exist, and merging or renaming them without losing a fact.

A fact's activity comes from the catalogue (nlu.catalogue) or is a new name the parser made up
for work the catalogue does not hold. An administrator reviews the new ones and folds each into
the name it means (`taizhang activities merge A B`) or gives it a better one (`rename A B`).
Every such change is a row of `activity_merges` with who and when and the facts that moved, so
it can be listed and undone; while it stands, facts parsed later as A are stored as B.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.storage.models import ActivityMerge, Fact, FactStatus, utcnow
from nlu.catalogue import by_name

MERGE = "merge"
RENAME = "rename"
_MAX_CHAIN = 20  # A -> B -> C …: a loop cannot be made, but never follow one forever


class ActivityError(ValueError):
    """A merge or rename that cannot be done; `key` names the Chinese message (cli.*)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class LedgerActivity:
    """One activity name as the ledger holds it: its active facts per unit."""

    name: str
    sections: tuple[str, ...]
    facts: int  # active facts
    units: tuple[str, ...]
    catalogued: bool


def ledger_activities(session: Session, town_id: int | None = None) -> list[LedgerActivity]:
    """Every activity name with active facts (of one town, or all), most facts first."""
    query = select(Fact.activity, Fact.section, Fact.unit, func.count(Fact.id)).where(
        Fact.status == FactStatus.ACTIVE
    )
    if town_id is not None:
        query = query.where(Fact.town_id == town_id)
    rows = session.execute(query.group_by(Fact.activity, Fact.section, Fact.unit)).all()
    sections: dict[str, set[str]] = defaultdict(set)
    units: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for activity, section, unit, count in rows:
        sections[activity].add(section)
        units[activity][unit] += int(count)
    known = by_name()
    result = [
        LedgerActivity(
            name=name,
            sections=tuple(sorted(sections[name])),
            facts=sum(per_unit.values()),
            units=tuple(sorted(per_unit, key=lambda u: -per_unit[u])),
            catalogued=name in known,
        )
        for name, per_unit in units.items()
    ]
    return sorted(result, key=lambda a: (a.catalogued, -a.facts, a.name))


def _sections_of(session: Session, name: str) -> set[str]:
    rows = session.execute(select(Fact.section).where(Fact.activity == name).distinct())
    found = set(rows.scalars())
    known = by_name().get(name)
    return found | ({known.section} if known else set())


def _move(session: Session, kind: str, source: str, target: str, by: str) -> ActivityMerge:
    ids = list(session.execute(select(Fact.id).where(Fact.activity == source)).scalars())
    if ids:
        session.execute(update(Fact).where(Fact.id.in_(ids)).values(activity=target))
    record = ActivityMerge(
        kind=kind,
        source=source,
        target=target,
        fact_ids=json.dumps(sorted(ids)),
        made_by=by,
        made_at=utcnow(),
    )
    session.add(record)
    session.flush()
    return record


def _check_names(session: Session, source: str, target: str) -> set[str]:
    if not source or not target or len(target) > 100:
        raise ActivityError("activity_bad_name", name=target)
    if source == target:
        raise ActivityError("activity_same", name=source)
    if current_name(session, target) == source:
        raise ActivityError("activity_loop", source=source, target=target)
    found = _sections_of(session, source)
    if not found:
        raise ActivityError("activity_unknown", name=source)
    return found


def merge(session: Session, source: str, target: str, by: str) -> ActivityMerge:
    """All facts named `source` become `target` (same section); later ones too."""
    source, target = source.strip(), target.strip()
    sections = _check_names(session, source, target)
    target_sections = _sections_of(session, target)
    if not target_sections:
        raise ActivityError("activity_unknown_target", name=target)
    if sections != target_sections:
        raise ActivityError(
            "activity_other_section",
            source=source,
            target=target,
            sections="、".join(sorted(sections | target_sections)),
        )
    return _move(session, MERGE, source, target, by)


def rename(session: Session, source: str, target: str, by: str) -> ActivityMerge:
    """`source` is called `target` from now on; `target` must be a name not yet in use."""
    source, target = source.strip(), target.strip()
    _check_names(session, source, target)
    if _sections_of(session, target):
        raise ActivityError("activity_exists", name=target)
    return _move(session, RENAME, source, target, by)


def undo(session: Session, merge_id: int, by: str) -> ActivityMerge:
    """Give the facts a merge moved their old name back (those still under its target)."""
    record = session.get(ActivityMerge, merge_id)
    if record is None:
        raise ActivityError("activity_no_merge", id=merge_id)
    if record.undone_at is not None:
        raise ActivityError("activity_undone_already", id=merge_id)
    ids = json.loads(record.fact_ids or "[]")
    if ids:
        session.execute(
            update(Fact)
            .where(Fact.id.in_(ids), Fact.activity == record.target)
            .values(activity=record.source)
        )
    record.undone_by = by
    record.undone_at = utcnow()
    session.flush()
    return record


def history(session: Session) -> list[ActivityMerge]:
    """Every merge and rename, newest first, undone ones included."""
    query = select(ActivityMerge).order_by(ActivityMerge.made_at.desc(), ActivityMerge.id.desc())
    return list(session.execute(query).scalars())


def standing(session: Session) -> dict[str, str]:
    """source -> target of every merge or rename not undone (later ones win)."""
    rows = session.execute(
        select(ActivityMerge.source, ActivityMerge.target)
        .where(ActivityMerge.undone_at.is_(None))
        .order_by(ActivityMerge.made_at, ActivityMerge.id)
    ).all()
    return {source: target for source, target in rows}


def follow(mapping: dict[str, str], name: str) -> str:
    """The name `name` stands for after the merges in `mapping` (A -> B -> C gives C)."""
    seen = {name}
    for _ in range(_MAX_CHAIN):
        name = mapping.get(name, name)
        if name in seen:
            return name
        seen.add(name)
    return name


def current_name(session: Session, name: str) -> str:
    return follow(standing(session), name)


def moved(record: ActivityMerge) -> int:
    return len(json.loads(record.fact_ids or "[]"))
