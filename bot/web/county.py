"""The county page, its JSON and the county summary draft: the roll-up itself is
bot.reports.county (towns read exactly as their own reports read them); this module only
serves it. Routes are named "county…", which the guard keeps for county accounts."""

from __future__ import annotations

import asyncio
import json
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.reports.county import (
    CountyError,
    county_dict,
    county_title,
    read_county,
    write_county,
)
from bot.storage.registry import list_towns
from bot.web import params
from bot.web.dashboard import short_title
from bot.web.downloads import file_response
from bot.web.render import render
from bot.web.state import LEDGER, SETTINGS
from bot.web.texts import text

dumps = partial(json.dumps, ensure_ascii=False)
DOWNLOADS = {"summary.docx": "docx", "summary.xlsx": "xlsx"}


def _view(request: web.Request, year: int):
    """The county roll-up of every town in this ledger (one database serves one county)."""
    settings = request.app[SETTINGS]
    return read_county([request.app[LEDGER]], year, as_of=params.today(request), settings=settings)


def county_data(request: web.Request, year: int) -> dict[str, Any]:
    """county_dict plus what the page links with: each town's id and the short titles."""
    view = _view(request, year)
    data = county_dict(view)
    with request.app[LEDGER]() as session:
        ids = {town.name: int(town.id) for town in list_towns(session)}
    for town in data["towns"]:
        town["id"] = ids.get(town["town"])
    data["short_titles"] = {s["id"]: short_title(s["id"]) for s in data["summary"]["sections"]}
    return data


def chart_data(data: dict[str, Any]) -> dict[str, Any]:
    """What the county chart draws: towns by sections, records per cell."""
    return {
        "year": data["year"],
        "short_titles": data["short_titles"],
        "sections": [s["id"] for s in data["summary"]["sections"]],
        "towns": [
            {"town": t["town"], "id": t["id"], "records": [s["records"] for s in t["sections"]]}
            for t in data["towns"]
        ],
    }


async def county_page(request: web.Request) -> web.Response:
    year = params.year(request)
    try:
        data = await asyncio.to_thread(county_data, request, year)
    except CountyError as error:  # no town in the ledger yet: say so, politely
        return render(request, "error.html", {"message": str(error)}, status=404)
    return render(request, "county.html", {"county": data, "chart": chart_data(data)})


async def county_api(request: web.Request) -> web.Response:
    year = params.year(request)
    try:
        data = await asyncio.to_thread(county_data, request, year)
    except CountyError as error:
        return web.json_response({"error": str(error)}, status=404, dumps=dumps)
    return web.json_response(data, dumps=dumps)


async def county_download(request: web.Request) -> web.Response:
    fmt = DOWNLOADS.get(request.match_info["kind"])
    if fmt is None:
        raise web.HTTPNotFound(text=text("bad_download"), content_type="text/plain")
    year = params.year(request)

    def build() -> tuple[bytes, str]:
        view = _view(request, year)
        with tempfile.TemporaryDirectory() as folder:
            path = write_county(view, fmt, Path(folder) / f"county.{fmt}")
            return path.read_bytes(), f"{county_title(view)}.{fmt}"

    try:
        content, filename = await asyncio.to_thread(build)
    except CountyError as error:
        return render(request, "error.html", {"message": str(error)}, status=404)
    return file_response(content, filename)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/county", county_page, name="county")
    app.router.add_get("/api/county", county_api, name="county_api")
    app.router.add_get("/county/download/{kind}", county_download, name="county_download")
