"""The CJK font for pictures, found the way the report's font config finds one.

data/report/fontconfig.conf maps each official font name to what a machine may have (the
Windows font, then the free Noto CJK font). Pictures use 黑体 (sans): fontconfig itself is
asked, with that file, what 黑体 is here (`fc-match`, as LibreOffice does when it renders a
draft); without fontconfig, matplotlib's own font list is searched for the same
preferences. A font counts only if it has the glyphs of Chinese text. Nothing is bundled.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

from taizhang.resources import data_file

log = logging.getLogger(__name__)

FONTCONFIG = data_file("report", "fontconfig.conf")
CHART_FAMILY = "黑体"
# Characters every picture writes: a font without them draws empty boxes.
PROBE = "法治台账镇月条记录"
FC_CANDIDATES = 8  # how many of fontconfig's sorted matches are tried


def preferred_families(family: str = CHART_FAMILY, config: Path = FONTCONFIG) -> list[str]:
    """The families the font config prefers for `family`, in its order."""
    root = ET.parse(config).getroot()
    for alias in root.iter("alias"):
        if (alias.findtext("family") or "").strip() == family:
            prefer = alias.find("prefer")
            return [f.text.strip() for f in prefer.iter("family") if f.text] if prefer else []
    return []


def _fontconfig_matches(family: str) -> list[Path]:
    """What fontconfig, given the report's config, would use for `family` (best first)."""
    exe = shutil.which("fc-match")
    if exe is None:
        return []
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG)}
    try:
        done = subprocess.run(
            [exe, "-s", "-f", "%{file}\\n", f"{family}:lang=zh-cn"],
            capture_output=True,
            text=True,
            env=env,
            timeout=20,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("fc-match failed: %r", error)
        return []
    return [Path(line) for line in done.stdout.splitlines()[:FC_CANDIDATES] if line.strip()]


def _matplotlib_matches(families: list[str]) -> list[Path]:
    from matplotlib import font_manager

    by_name: dict[str, list[Path]] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, []).append(Path(entry.fname))
    return [path for name in families for path in by_name.get(name, [])]


def covers(path: Path, text: str = PROBE) -> bool:
    """Whether the font file has a glyph for every character of `text`."""
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(str(path)).get_charmap()
    except (OSError, RuntimeError) as error:
        log.warning("font not readable: %s (%r)", path, error)
        return False
    return all(ord(ch) in charmap for ch in text)


@lru_cache(maxsize=1)
def cjk_font() -> Path | None:
    """The font file pictures write Chinese with, or None (logged) when there is none."""
    candidates = _fontconfig_matches(CHART_FAMILY) + _matplotlib_matches(preferred_families())
    for path in candidates:
        if path.is_file() and covers(path):
            log.info("picture font", extra={"font": str(path)})
            return path
    log.error(
        "no CJK font for pictures: install one the report's font config names "
        "(e.g. fonts-noto-cjk)",
        extra={"tried": [str(p) for p in candidates]},
    )
    return None
