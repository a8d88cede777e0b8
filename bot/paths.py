"""Every file the bot writes is named from an id or a sanitized name and stays inside its
directory: a town called "../../../../pwn" must not write outside the data directory."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# Letters (any script, so Chinese names stay readable), digits, and - _ . only.
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)
MAX_STEM_CHARS = 80


class UnsafePath(ValueError):
    """A path that would leave the directory it must stay in."""


def safe_file_stem(name: str, fallback: str = "file") -> str:
    """`name` as one harmless path component: no separators, no leading dots, no controls."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _UNSAFE.sub("_", text).strip("._")
    return text[:MAX_STEM_CHARS] or fallback


def inside(base: Path, *parts: str) -> Path:
    """base / parts, refused unless the resolved result stays inside `base`."""
    root = base.resolve()
    target = root.joinpath(*parts).resolve()
    if target != root and root not in target.parents:
        raise UnsafePath(f"{target} is outside {root}")
    return target
