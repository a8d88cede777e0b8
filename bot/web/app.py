"""The aiohttp application: routes, the guard, static files; `serve` runs it.

Route names matter: the guard (bot/web/auth.py) lets "login" and "static" through without
a login and serves routes named "county..." to county accounts only; a {town_id} in a path
is checked against the viewer's town.
"""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.settings import Settings
from bot.storage import open_ledger
from bot.web import api, downloads, views
from bot.web.auth import COOKIES, SessionCookies, guard, session_secret
from bot.web.render import environment
from bot.web.state import LEDGER, SETTINGS, TEMPLATES, THROTTLE
from bot.web.throttle import LoginThrottle
from taizhang.resources import data_file

log = logging.getLogger(__name__)
STATIC_DIR = data_file("web", "static")


def _county_routes(app: web.Application) -> None:
    """The county page and its downloads, when the county roll-up (bot.reports.county) is
    installed with this package."""
    from bot.web import county

    county.add_routes(app)


def build_app(settings: Settings, ledger: sessionmaker | None = None) -> web.Application:
    app = web.Application(middlewares=[guard])
    app[SETTINGS] = settings
    app[LEDGER] = ledger or open_ledger(settings)
    app[COOKIES] = SessionCookies(session_secret(settings), settings.web_session_hours)
    app[TEMPLATES] = environment()
    app[THROTTLE] = LoginThrottle(
        attempts=settings.web_login_attempts, window=settings.web_login_lockout_minutes * 60.0
    )
    app.router.add_get("/login", views.login_form, name="login")
    app.router.add_post("/login", views.login, name="login_post")
    app.router.add_post("/logout", views.logout, name="logout")
    app.router.add_get("/", views.index, name="index")
    app.router.add_get("/towns/{town_id}", views.town_page, name="town")
    app.router.add_get("/towns/{town_id}/messages", views.messages_page, name="town_messages")
    app.router.add_get(
        "/towns/{town_id}/download/{kind}", downloads.town_download, name="town_download"
    )
    app.router.add_get("/api/towns/{town_id}/summary", api.town_summary, name="api_town")
    app.router.add_get("/api/towns/{town_id}/messages", api.town_messages, name="api_town_messages")
    _county_routes(app)
    app.router.add_static("/static/", STATIC_DIR, name="static")
    return app


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve until interrupted (read-only: the dashboard never writes to the ledger)."""
    log.info("web dashboard starting", extra={"host": host, "port": port})
    web.run_app(build_app(settings), host=host, port=port, print=None, access_log=log)
