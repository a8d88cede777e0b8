"""The activity catalogue (data/lexicon/activities.yml): the work townships count, as a report
names it, with its units, its kind and the phrases staff write for it.

It is data so that adding an activity or a phrasing means editing a file, never code; the
chooser (`nlu.activities`) learns from it and `taizhang lexicon check` validates it here.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from nlu.numbers import unit_kind
from taizhang.resources import data_file

CATALOGUE_FILE = data_file("lexicon", "activities.yml")
KINDS = ("count", "stock", "rate", "money")
Problem = tuple[str, str, str]  # (key, where, detail), as nlu.cues


@dataclass(frozen=True)
class CatalogueActivity:
    """One kind of work a report states as its own figure, e.g. 代写法律文书 counted in 份."""

    section: str
    name: str
    units: tuple[str, ...]  # the natural unit first
    kind: str
    phrases: tuple[str, ...]

    @property
    def unit(self) -> str:
        return self.units[0]


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8")) or {}


def _parse(raw: dict) -> tuple[CatalogueActivity, ...]:
    return tuple(
        CatalogueActivity(
            section=str(section),
            name=str(spec["name"]),
            units=tuple(str(u) for u in spec["units"]),
            kind=str(spec["kind"]),
            phrases=tuple(str(p) for p in spec.get("phrases") or ()),
        )
        for section, specs in (raw.get("activities") or {}).items()
        for spec in specs or ()
    )


@lru_cache(maxsize=1)
def catalogue() -> tuple[CatalogueActivity, ...]:
    """Every catalogued activity, per section in file order (read once per process)."""
    return _parse(_read(CATALOGUE_FILE))


@lru_cache(maxsize=1)
def catalogue_digest() -> str:
    """A short digest of the catalogue file: a model trained on it names the file it read."""
    return hashlib.sha256(CATALOGUE_FILE.read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=1)
def by_name() -> dict[str, CatalogueActivity]:
    return {a.name: a for a in catalogue()}


@lru_cache(maxsize=1)
def stock_names() -> frozenset[str]:
    """Activities the catalogue counts as stocks ("建成法治文化长廊2条", "村法律顾问配备7个"): a
    standing number whose latest value is the figure, whatever role the parser gave the fact."""
    return frozenset(a.name for a in catalogue() if a.kind == "stock")


def in_section(section: str) -> tuple[CatalogueActivity, ...]:
    return tuple(a for a in catalogue() if a.section == section)


def rank(section: str, name: str) -> int | None:
    """The activity's place in its section (the order a report names figures), None if new."""
    names = [a.name for a in in_section(section)]
    return names.index(name) if name in names else None


def catalogue_problems(
    path: Path = CATALOGUE_FILE, sections: tuple[str, ...] = ()
) -> list[Problem]:
    """Everything wrong with the catalogue: unknown sections, units or kinds, activities with no
    unit or phrase, a rate not in %, a name used twice, a phrase claimed by two activities."""
    try:
        raw = _read(path)
        activities = _parse(raw)
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as error:
        return [("unreadable", path.name, str(error))]
    found: list[Problem] = []
    listed = tuple(raw.get("activities") or {})
    found += [("section_missing", sid, "") for sid in sections if sid not in listed]
    found += [("section_unknown", sid, "") for sid in listed if sections and sid not in sections]
    names: dict[str, int] = defaultdict(int)
    owners: dict[str, set[str]] = defaultdict(set)
    for activity in activities:
        where = f"{activity.section}/{activity.name}"
        names[activity.name] += 1
        if not activity.units or not activity.phrases:
            found.append(("activity_incomplete", where, ""))
        found += [("unit_unknown", where, u) for u in activity.units if unit_kind(u) is None]
        if activity.kind not in KINDS:
            found.append(("kind_unknown", where, activity.kind))
        if (activity.kind == "rate") != (activity.units == ("%",)):
            found.append(("kind_unit", where, f"{activity.kind} {'、'.join(activity.units)}"))
        if activity.kind == "money" and any(unit_kind(u) != "money" for u in activity.units):
            found.append(("kind_unit", where, f"{activity.kind} {'、'.join(activity.units)}"))
        for phrase in activity.phrases:
            owners[phrase].add(activity.name)
    found += [("name_twice", name, "") for name, n in sorted(names.items()) if n > 1]
    found += [
        ("phrase_two_activities", phrase, "、".join(sorted(owner)))
        for phrase, owner in sorted(owners.items())
        if len(owner) > 1
    ]
    return found
