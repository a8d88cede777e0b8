"""The draft as Markdown: for reading in a terminal or pasting into another editor."""

from __future__ import annotations

from pathlib import Path

from bot.reports.model import ComposedReport


def render_markdown(report: ComposedReport) -> str:
    """Title as '#', parts as '##', （一） leads in bold, signature and date right at the end."""
    lines: list[str] = []
    for block in report.blocks:
        if block.kind == "title":
            lines.append(f"# {block.text}")
        elif block.kind == "heading":
            lines.append(f"## {block.text}")
        elif block.kind == "body":
            lead = f"**{block.lead}**" if block.lead else ""
            lines.append(f"{lead}{block.text}")
        else:  # signature, date
            lines.append(f'<p align="right">{block.text}</p>')
        lines.append("")
    return "\n".join(lines)


def write_markdown(report: ComposedReport, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(report), encoding="utf-8")
    return path
