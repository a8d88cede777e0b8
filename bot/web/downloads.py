"""Downloads of one town's year: the report draft (.docx), its evidence (.xlsx) and the facts
(.csv/.xlsx), made by the same code as `taizhang report` and `taizhang facts`."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from bot.reports import draft, load_phrasebook, write
from bot.reports.evidence import write_evidence
from bot.reports.source import section_titles
from bot.storage import export
from bot.web import params
from bot.web.state import SETTINGS, read_ledger
from bot.web.texts import text

MEDIA = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv; charset=utf-8",
}


def file_response(content: bytes, filename: str) -> web.Response:
    """An attachment with its Chinese name kept (RFC 6266 filename*)."""
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return web.Response(
        body=content,
        headers={
            "Content-Type": MEDIA[Path(filename).suffix],
            "Content-Disposition": disposition,
        },
    )


def _draft_docx(session, settings, town, year: int, as_of) -> tuple[bytes, str]:
    report = draft(session, town, year, as_of=as_of, settings=settings)
    with tempfile.TemporaryDirectory() as folder:
        path = write(report, "docx", Path(folder) / "draft.docx")
        return path.read_bytes(), f"{report.title}.docx"


def _evidence_xlsx(session, settings, town, year: int, as_of) -> tuple[bytes, str]:
    report = draft(session, town, year, as_of=as_of, evidence=True, settings=settings)
    suffix = load_phrasebook().get("evidence", "file_suffix")
    with tempfile.TemporaryDirectory() as folder:
        path = write_evidence(report.data, Path(folder) / "e.xlsx", tz=settings.timezone)
        return path.read_bytes(), f"{report.title}{suffix}.xlsx"


def _facts(session, settings, town, year: int, fmt: str) -> tuple[bytes, str]:
    rows = export.fact_rows(
        session,
        year,
        town_id=int(town.id),
        section_titles=section_titles(),
        timezone=settings.timezone,
    )
    name = f"{town.name}{year}年台账明细.{fmt}"
    if fmt == "csv":
        return export.to_csv(rows).encode("utf-8-sig"), name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.xlsx"
        export.write_xlsx(rows, path)
        return path.read_bytes(), name


async def town_download(request: web.Request) -> web.Response:
    kind = request.match_info["kind"]
    if kind not in ("draft.docx", "evidence.xlsx", "facts.csv", "facts.xlsx"):
        raise web.HTTPNotFound(text=text("bad_download"), content_type="text/plain")
    year = params.year(request)
    as_of = params.today(request)
    settings = request.app[SETTINGS]
    tid = params.town_id(request)

    def build(session):
        town = params.get_town(session, tid)
        if kind == "draft.docx":
            return _draft_docx(session, settings, town, year, as_of)
        if kind == "evidence.xlsx":
            return _evidence_xlsx(session, settings, town, year, as_of)
        return _facts(session, settings, town, year, kind.split(".")[1])

    content, filename = await read_ledger(request, build)
    return file_response(content, filename)
