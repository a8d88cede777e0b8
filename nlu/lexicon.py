"""`taizhang lexicon check`: the word knowledge in data/ is consistent before a model is
trained on it. Checks the cue words (data/lexicon/cues.yml) and the activity lexicon
(data/sections.yml): the twelve sections, units the number reader knows, patterns and frames
that compile, and no phrase claimed by two activities of different sections; and the activity
catalogue (data/lexicon/activities.yml, nlu.catalogue)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import yaml

from nlu import cues
from nlu.catalogue import catalogue_problems
from nlu.numbers import unit_kind
from nlu.sections import SECTIONS_FILE

SECTION_IDS = (
    "study", "leadership", "functions", "rules", "decisions", "enforcement", "emergency",
    "disputes", "oversight", "digital", "publicity", "legal_services",
)  # fmt: skip


def section_problems(path: Path = SECTIONS_FILE) -> list[cues.Problem]:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        return [("unreadable", path.name, str(error))]
    found: list[cues.Problem] = []
    specs = data.get("sections") or []
    ids = [spec.get("id") for spec in specs]
    found += [("section_missing", sid, "") for sid in SECTION_IDS if sid not in ids]
    found += [("section_unknown", str(sid), "") for sid in ids if sid not in SECTION_IDS]
    owners: dict[str, set[str]] = defaultdict(set)
    for spec in specs:
        for activity in spec.get("activities") or []:
            where = f"{spec.get('id')}/{activity.get('name')}"
            units = activity.get("units") or []
            if not units or not activity.get("patterns"):
                found.append(("activity_incomplete", where, ""))
            found += [("unit_unknown", where, unit) for unit in units if unit_kind(unit) is None]
            if activity.get("default_unit") not in units:
                found.append(("default_unit", where, str(activity.get("default_unit"))))
            for frame in activity.get("frames") or []:
                try:
                    re.compile(frame)
                except re.error as error:
                    found.append(("bad_pattern", where, f"{frame}: {error}"))
            for pattern in activity.get("patterns") or []:
                owners[pattern].add(str(spec.get("id")))
    found += [
        ("phrase_two_sections", phrase, "、".join(sorted(sections)))
        for phrase, sections in sorted(owners.items())
        if len(sections) > 1
    ]
    return found


def problems() -> list[cues.Problem]:
    """Everything wrong with the lexicon, empty when it is consistent."""
    return cues.problems() + section_problems() + catalogue_problems(sections=SECTION_IDS)
