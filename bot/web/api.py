"""The JSON API: the town page's figures and a drill-down, for scripts and the page's charts.

Scope is checked by the guard (bot/web/auth.py) before any of these run.
"""

from __future__ import annotations

import json
from functools import partial

from aiohttp import web

from bot.web import params
from bot.web.dashboard import drill_down, town_view
from bot.web.state import read_ledger

API_DRILL_LIMIT = 2000
dumps = partial(json.dumps, ensure_ascii=False)


async def town_summary(request: web.Request) -> web.Response:
    year = params.year(request)
    today = params.today(request)

    def build(session):
        return town_view(session, params.get_town(session, params.town_id(request)), year, today)

    return web.json_response(await read_ledger(request, build), dumps=dumps)


async def town_messages(request: web.Request) -> web.Response:
    year = params.year(request)
    key = params.drill_key(request)
    tid = params.town_id(request)

    def build(session):
        params.get_town(session, tid)
        return drill_down(session, tid, year, key, API_DRILL_LIMIT)

    return web.json_response(await read_ledger(request, build), dumps=dumps)
