"""The report's wording, loaded from data/report/phrases.yml, and a stable choice of variant.

The choice is a hash of the town, year and the place in the text, so a draft is
reproducible (the same ledger gives the same words) while two sub-sections, or two towns,
do not open with the same sentence.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from taizhang.resources import data_file

DEFAULT_PHRASES = data_file("report", "phrases.yml")


class _Blank(dict):
    """format_map helper: an unknown placeholder is left visible rather than crashing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Phrasebook:
    """The parsed phrases file plus the seed (town, year) that picks variants."""

    data: dict[str, Any]
    seed: str = ""

    def with_seed(self, seed: str) -> Phrasebook:
        return Phrasebook(self.data, seed)

    def get(self, *path: str) -> Any:
        node: Any = self.data
        for key in path:
            if not isinstance(node, dict) or key not in node:
                raise KeyError("phrases.yml has no " + ".".join(path))
            node = node[key]
        return node

    def setting(self, name: str) -> Any:
        return self.get("settings", name)

    def pick(self, *path: str, salt: str = "") -> str:
        """One variant of a phrase list (or the phrase itself if it is a plain string)."""
        node = self.get(*path)
        if isinstance(node, str):
            return node
        if not node:
            return ""
        key = f"{self.seed}|{'.'.join(path)}|{salt}".encode()
        return str(node[zlib.crc32(key) % len(node)])

    def say(self, *path: str, salt: str = "", **values: Any) -> str:
        """A variant with its placeholders filled in."""
        return fill(self.pick(*path, salt=salt), **values)


def fill(template: str, **values: Any) -> str:
    return template.format_map(_Blank(values))


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def load_phrasebook(path: Path | None = None) -> Phrasebook:
    return Phrasebook(_load(str(path or DEFAULT_PHRASES)))
