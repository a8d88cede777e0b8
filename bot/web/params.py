"""Reading a request's query string: the year, a drill-down key, the town in the path.

Bad input is answered with a polite 400 (in Chinese) rather than an exception page.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.reports import MIN_YEAR
from bot.storage.aggregate import SECTION_IDS
from bot.storage.models import Town
from bot.web.dashboard import DrillKey
from bot.web.state import SETTINGS, Session
from bot.web.texts import text


def today(request: web.Request) -> date:
    return datetime.now(ZoneInfo(request.app[SETTINGS].timezone)).date()


def bad_request(key: str, **values: object) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=text(key, **values), content_type="text/plain")


def year(request: web.Request) -> int:
    raw = request.query.get("year", "").strip()
    current = today(request)
    if not raw:
        return current.year
    if not raw.isdigit() or not MIN_YEAR <= int(raw) <= current.year + 1:
        raise bad_request("bad_year", year=raw[:10], max_year=current.year + 1)
    return int(raw)


def drill_key(request: web.Request) -> DrillKey:
    query = request.query
    section = query.get("section", "")
    if section not in SECTION_IDS:
        raise bad_request("bad_section")
    month = query.get("month")
    if month is not None and not (month.isdigit() and 1 <= int(month) <= 12):
        raise bad_request("bad_month")
    return DrillKey(
        section,
        query.get("activity") or None,
        query.get("unit") or None,
        int(month) if month is not None else None,
    )


def town_id(request: web.Request) -> int:
    """The town of the path; the guard has already checked that the viewer may see it."""
    return int(request.match_info["town_id"])


def get_town(session: Session, tid: int) -> Town:
    town = session.get(Town, tid)
    if town is None:
        raise web.HTTPNotFound(text=text("http_404"), content_type="text/plain")
    return town
