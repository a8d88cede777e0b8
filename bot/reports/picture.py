"""The progress picture for the group: a PNG of the coverage heat map (section x month,
records) over the year's progress per section (months with records out of months so far).

Figures come from bot.storage.aggregate (records_by_month), like every chat answer; wording
from data/report/picture.yml; the CJK font from the report's font config (bot.reports.fonts).
Drawn on a bare matplotlib Figure with the Agg canvas: no pyplot state, so it is safe in the
dispatcher's worker thread and the scheduler's.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.message import Picture
from bot.paths import safe_file_stem
from bot.reports.figures import chinese_date
from bot.reports.phrasebook import load_phrasebook
from bot.storage import aggregate
from nlu.sections import short_titles
from taizhang.resources import data_file

log = logging.getLogger(__name__)

PICTURE_TEXTS = data_file("report", "picture.yml")
MONTHS = tuple(range(1, 13))
DPI = 110
SIZE_INCHES = (9.0, 10.0)  # about 1000 x 1100 px: readable on a phone
# Colours: records (greens, darker = more), a past month with none, a month not yet come.
CMAP = "Greens"
GAP = (0.98, 0.85, 0.83, 1.0)
FUTURE = (0.93, 0.93, 0.93, 1.0)
BAR_COVERED, BAR_QUARTER_GAP, BAR_YEAR_GAP = "#41ab5d", "#f39c12", "#d9534f"


def _say(key: str, **values: Any) -> str:
    return load_phrasebook(PICTURE_TEXTS).say(*key.split("."), **values)


@dataclass(frozen=True)
class Coverage:
    """A town's records per section and month for a year, up to `as_of`."""

    town: str
    year: int
    as_of: date
    counts: dict[str, dict[int, int]]  # section id -> month -> records

    @property
    def months_so_far(self) -> int:
        """Months of the year begun by `as_of` (12 for a past year, 0 for a future one)."""
        if self.as_of.year > self.year:
            return 12
        return self.as_of.month if self.as_of.year == self.year else 0

    @property
    def records(self) -> int:
        return sum(n for months in self.counts.values() for n in months.values())

    def row(self, section_id: str) -> list[int]:
        months = self.counts.get(section_id, {})
        return [months.get(m, 0) for m in MONTHS]


def read_coverage(session: Session, town_id: int, town: str, year: int, as_of: date) -> Coverage:
    """The town's year to `as_of` (what was recorded later is not yet known then)."""
    start, end = date(year, 1, 1), min(date(year, 12, 31), as_of)
    counts = aggregate.records_by_month(session, town_id, start, end) if end >= start else {}
    return Coverage(town, year, as_of, counts)


def _cell_colours(coverage: Coverage, sections: list[str]):
    from matplotlib import cm, colors

    peak = max([n for s in sections for n in coverage.row(s)] + [1])
    scale = cm.get_cmap(CMAP)
    norm = colors.Normalize(vmin=-0.25 * peak, vmax=peak)  # 1 record is visibly green
    so_far = coverage.months_so_far
    return (
        [
            [
                FUTURE if m > so_far else (scale(norm(n)) if n else GAP)
                for m, n in zip(MONTHS, coverage.row(s), strict=True)
            ]
            for s in sections
        ],
        norm,
        scale,
    )


def _heatmap(ax, coverage: Coverage, sections: list[str], titles: dict[str, str]) -> None:
    grid, norm, scale = _cell_colours(coverage, sections)
    ax.imshow(grid, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(12))
    ax.set_xticklabels([_say("month", month=m) for m in MONTHS])
    ax.set_yticks(range(len(sections)))
    ax.set_yticklabels([titles[s] for s in sections])
    ax.tick_params(length=0)
    ax.xaxis.tick_top()
    for spine in ax.spines.values():
        spine.set_visible(False)
    # white lines between the cells (two line collections: cheaper than minor ticks)
    ax.vlines([x - 0.5 for x in range(1, 12)], -0.5, len(sections) - 0.5, colors="white", lw=1.5)
    ax.hlines([y - 0.5 for y in range(1, len(sections))], -0.5, 11.5, colors="white", lw=1.5)
    for y, section in enumerate(sections):
        for x, count in enumerate(coverage.row(section)):
            if count:
                dark = norm(count) > 0.55
                ax.text(
                    x, y, str(count), ha="center", va="center", fontsize=8,
                    color="white" if dark else "#1b4332",
                )  # fmt: skip
    ax.set_title(_say("heatmap_title"), loc="left", fontsize=11, pad=22)


def _quarter_months(coverage: Coverage) -> range:
    last = coverage.months_so_far
    first = 3 * ((max(last, 1) - 1) // 3) + 1
    return range(first, last + 1)


def _progress(ax, coverage: Coverage, sections: list[str], titles: dict[str, str]) -> None:
    so_far = max(coverage.months_so_far, 1)
    quarter = _quarter_months(coverage)
    covered, colours, labels = [], [], []
    for section in sections:
        row = coverage.row(section)
        months = sum(1 for n in row[:so_far] if n)
        covered.append(months)
        if not months:
            colours.append(BAR_YEAR_GAP)
        elif not any(row[m - 1] for m in quarter):
            colours.append(BAR_QUARTER_GAP)
        else:
            colours.append(BAR_COVERED)
        labels.append(_say("bar_label", covered=months, months=so_far, records=sum(row)))
    ys = range(len(sections))
    ax.barh(ys, [so_far] * len(sections), color="#f0f0f0", height=0.7)
    ax.barh(ys, covered, color=colours, height=0.7)
    for y, label, colour in zip(ys, labels, colours, strict=True):
        lagging = colour != BAR_COVERED  # a gap is named in its colour, even with no bar
        ax.text(
            so_far + 0.15, y, label, va="center", fontsize=8.5,
            color=colour if lagging else "#333333",
        )  # fmt: skip
    ax.set_yticks(list(ys))
    ax.set_yticklabels([titles[s] for s in sections])
    for tick, colour in zip(ax.get_yticklabels(), colours, strict=True):
        if colour != BAR_COVERED:
            tick.set_color(colour)
    ax.invert_yaxis()
    ax.set_xlim(0, so_far * 1.45 + 0.5)
    ax.set_xticks([])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(_say("progress_title", months=so_far), loc="left", fontsize=11)
    from matplotlib.patches import Patch

    legend = [
        Patch(color=BAR_COVERED, label=_say("legend.covered")),
        Patch(color=BAR_QUARTER_GAP, label=_say("legend.quarter_gap")),
        Patch(color=BAR_YEAR_GAP, label=_say("legend.year_gap")),
        Patch(color=GAP, label=_say("legend.gap")),
        Patch(color=FUTURE, label=_say("legend.future")),
    ]
    ax.legend(
        handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=5,
        frameon=False, fontsize=8.5, handlelength=1.2,
    )  # fmt: skip


def _apply_font(figure) -> None:
    """Every text of the figure in the CJK font (by file: no global font registry)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text

    from bot.reports.fonts import cjk_font

    path = cjk_font()
    if path is None:
        return  # logged in cjk_font(); the picture still shows its colours and numbers
    cache: dict[tuple, FontProperties] = {}
    for text in figure.findobj(Text):
        key = (text.get_fontsize(), text.get_fontweight())
        if key not in cache:
            cache[key] = FontProperties(fname=str(path), size=key[0], weight=key[1])
        text.set_fontproperties(cache[key])


def render_png(coverage: Coverage) -> bytes:
    """The picture as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    titles = short_titles()
    sections = list(titles)
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI)
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2, 1, height_ratios=(1.0, 1.0), hspace=0.28)
    heat, bars = figure.add_subplot(grid[0]), figure.add_subplot(grid[1])
    _heatmap(heat, coverage, sections, titles)
    _progress(bars, coverage, sections, titles)
    figure.suptitle(
        _say("title", town=coverage.town, year=coverage.year), fontsize=15, fontweight="bold"
    )
    figure.text(
        0.5, 0.935,
        _say("subtitle", as_of=chinese_date(coverage.as_of, True), records=coverage.records),
        ha="center", fontsize=10, color="#555555",
    )  # fmt: skip
    figure.subplots_adjust(left=0.27, right=0.97, top=0.86, bottom=0.06)
    _apply_font(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def picture_name(town: str, year: int) -> str:
    return safe_file_stem(_say("file_name", town=town, year=year), "progress") + ".png"


def progress_picture(session: Session, town_id: int, town: str, year: int, as_of: date) -> Picture:
    """The town's progress picture for `year` as of `as_of`, ready for a Reply."""
    coverage = read_coverage(session, town_id, town, year, as_of)
    return Picture(picture_name(town, year), render_png(coverage))


def warm_up() -> None:
    """Import matplotlib and find the CJK font before the first picture is asked for: that
    costs 1-2 s once per process, which the first "看看进度" would otherwise wait for."""
    try:
        render_png(Coverage("", 2000, date(2000, 12, 31), {}))
    except Exception:  # a missing font is logged in cjk_font(); anything else is logged here
        log.exception("picture warm-up failed")
