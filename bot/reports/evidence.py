"""The companion workbook (--evidence): for each figure, the ledger facts behind it.

An office checking the draft wants to click from "调解矛盾纠纷406件" to the 406 messages
that add up to it: date, who reported it, where, and the words they used.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.reports.figures import figure, json_number
from bot.reports.model import ReportData
from bot.reports.phrasebook import Phrasebook, load_phrasebook

DEFAULT_TZ = "Asia/Shanghai"
MIN_TIME = datetime.min.replace(tzinfo=timezone.utc)
HEADER_FONT = Font(bold=True)
WIDTHS = {"summary": (24, 24, 12, 8, 10), "facts": (20, 22, 14, 12, 10, 12, 10, 8, 60, 18, 22)}


def evidence_path(report_path: Path, phrases: Phrasebook | None = None) -> Path:
    """白岩镇2024年…报告.docx -> 白岩镇2024年…报告_数据来源.xlsx, beside the report."""
    suffix = (phrases or load_phrasebook()).get("evidence", "file_suffix")
    return report_path.with_name(report_path.stem + suffix + ".xlsx")


def header_sheet(workbook: Workbook, title: str, columns: list[str], widths: tuple[int, ...]):
    """A write-only sheet (rows are streamed: 5,000 facts take well under a second)."""
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = HEADER_FONT
        header.append(cell)
    sheet.append(header)
    return sheet


def _cell(sheet, value, number_format: str | None = None, alignment=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell


def write_evidence(
    data: ReportData, path: Path, phrases: Phrasebook | None = None, tz: str | None = None
) -> Path:
    """One summary row per figure, and one row per ledger fact under it (times in `tz`)."""
    p = phrases or load_phrasebook()
    zone = ZoneInfo(tz or DEFAULT_TZ)
    cfg = p.get("evidence")
    workbook = Workbook(write_only=True)
    summary = header_sheet(
        workbook, cfg["summary_sheet"], cfg["summary_columns"], WIDTHS["summary"]
    )
    facts = header_sheet(workbook, cfg["facts_sheet"], cfg["facts_columns"], WIDTHS["facts"])
    wrap = Alignment(wrap_text=True, vertical="top")
    for section in data.sections:
        for metric in section.metrics:
            shown = figure(metric.value, metric.unit)
            summary.append(
                [
                    section.title,
                    metric.label,
                    json_number(metric.value),
                    metric.unit,
                    metric.records,
                ]
            )
            ordered = sorted(metric.evidence, key=lambda e: (e.date, e.sent_at or MIN_TIME))
            latest = ordered[-1] if ordered else None
            for item in ordered:
                note = ""
                if not metric.is_summed:  # a rate or a stock: the latest value is the figure
                    earlier = cfg["rate_note"] if metric.is_rate else cfg["stock_note"]
                    note = cfg["latest_rate_note"] if item is latest else earlier
                sent = item.sent_at.astimezone(zone).replace(tzinfo=None) if item.sent_at else None
                facts.append(
                    [
                        section.title,
                        metric.label,
                        shown,
                        _cell(facts, item.date, "yyyy-mm-dd"),
                        item.person or "",
                        item.place or "",
                        json_number(item.value),
                        item.unit,
                        _cell(facts, item.text, alignment=wrap),
                        _cell(facts, sent, "yyyy-mm-dd hh:mm"),
                        note,
                    ]
                )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(str(path))
    return path
