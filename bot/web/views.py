"""The HTML pages: login, the town page, the drill-down and (bot/web/county_views) the county."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.reports.source import section_titles
from bot.storage.accounts import find_user
from bot.web import params
from bot.web.auth import COOKIE, COOKIES, Viewer
from bot.web.dashboard import drill_down, town_view
from bot.web.passwords import verify_password
from bot.web.render import render
from bot.web.state import LEDGER, SETTINGS, THROTTLE, read_ledger
from bot.web.texts import months, text

log = logging.getLogger(__name__)
DRILL_LIMIT = 500


def _safe_next(target: str | None) -> str:
    """Only a path of this site may follow a login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


async def login_form(request: web.Request) -> web.Response:
    return render(request, "login.html", {"next": _safe_next(request.query.get("next"))})


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    name = str(form.get("login", "")).strip()
    password = str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "")))
    throttle = request.app[THROTTLE]
    key = (name.lower(), request.remote or "")
    if throttle.locked(key):
        log.warning("web login throttled", extra={"login": name[:64], "remote": key[1]})
        minutes = request.app[SETTINGS].web_login_lockout_minutes
        context = {"next": target, "error": text("too_many_logins", minutes=minutes), "login": name}
        return render(request, "login.html", context, status=429)

    def check():
        with request.app[LEDGER]() as session:
            user = find_user(session, name)
            if user is not None and verify_password(user.password_hash, password):
                session.expunge(user)
                return user
            return None

    user = await asyncio.to_thread(check)
    if user is None:
        throttle.failed(key)
        log.info("web login failed", extra={"login": name[:64]})
        context = {"next": target, "error": text("bad_login"), "login": name}
        return render(request, "login.html", context, status=401)
    throttle.succeeded(key)
    log.info("web login", extra={"login": user.login, "role": user.role})
    response = web.HTTPFound(target)
    request.app[COOKIES].set(response, user, secure=request.secure)
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    response = web.HTTPFound("/login")
    response.del_cookie(COOKIE, path="/")
    raise response


async def index(request: web.Request) -> web.StreamResponse:
    viewer: Viewer = request["viewer"]
    raise web.HTTPFound(viewer.home)


async def town_page(request: web.Request) -> web.Response:
    year = params.year(request)
    today = params.today(request)

    def build(session):
        return town_view(session, params.get_town(session, params.town_id(request)), year, today)

    view = await read_ledger(request, build)
    return render(request, "town.html", {"view": view, "months": months()})


async def messages_page(request: web.Request) -> web.Response:
    year = params.year(request)
    key = params.drill_key(request)
    tid = params.town_id(request)

    def build(session):
        town = params.get_town(session, tid)
        return town.name, drill_down(session, tid, year, key, DRILL_LIMIT)

    town_name, found = await read_ledger(request, build)
    context = {
        "town": {"id": tid, "name": town_name},
        "year": year,
        "key": key,
        "section_title": section_titles().get(key.section, key.section),
        "found": found,
    }
    return render(request, "messages.html", context)
