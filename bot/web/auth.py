"""Who is looking, and what they may see: signed session cookies and the access guard.

The guard middleware is the ONE place that decides access, for pages, downloads and the JSON
API alike: a route whose path has {town_id} is served only to a county account or to that
town's supervisor (anyone else gets 404, so a town cannot even learn which ids exist), and a
route named "county..." only to a county account (403). Handlers never check again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from aiohttp import web
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import sessionmaker

from bot.settings import Settings
from bot.storage.models import WebRole, WebUser
from bot.web.render import render
from bot.web.state import LEDGER
from bot.web.texts import text

log = logging.getLogger(__name__)

COOKIE = "taizhang_session"
SALT = "taizhang-web-session"
PUBLIC_ROUTES = ("login", "login_post", "static")
SECRET_FILE = "web-secret"


@dataclass(frozen=True)
class Viewer:
    """The logged-in person, as read from the database on every request (a removed account
    or a changed password ends its sessions at once)."""

    id: int
    login: str
    name: str
    role: str
    town_id: int | None

    @property
    def is_county(self) -> bool:
        return self.role == WebRole.COUNTY

    def may_see_town(self, town_id: int) -> bool:
        return self.is_county or self.town_id == town_id

    @property
    def home(self) -> str:
        return "/county" if self.is_county else f"/towns/{self.town_id}"


def session_secret(settings: Settings) -> str:
    """TAIZHANG_WEB_SECRET, or a random secret kept in the data directory (readable by the
    owner only) so that sessions survive a restart. Never logged."""
    if settings.web_secret is not None and settings.web_secret.get_secret_value():
        return settings.web_secret.get_secret_value()
    path = Path(settings.data_dir) / SECRET_FILE
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(48))
    log.info("web session secret created", extra={"path": str(path)})
    return path.read_text(encoding="utf-8").strip()


def _fingerprint(password_hash: str) -> str:
    """A short digest of the stored hash: a new password invalidates old cookies."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


class SessionCookies:
    """Issues and reads the signed, time-limited cookie that names a web user."""

    def __init__(self, secret: str, max_age_hours: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=SALT)
        self.max_age = max_age_hours * 3600

    def issue(self, user: WebUser) -> str:
        return self._serializer.dumps({"u": int(user.id), "f": _fingerprint(user.password_hash)})

    def read(self, token: str) -> tuple[int, str] | None:
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("u"), int):
            return None
        return data["u"], str(data.get("f", ""))

    def set(self, response: web.StreamResponse, user: WebUser, secure: bool) -> None:
        response.set_cookie(
            COOKIE,
            self.issue(user),
            max_age=self.max_age,
            httponly=True,
            samesite="Lax",
            secure=secure,
            path="/",
        )


COOKIES = web.AppKey("cookies", SessionCookies)


def load_viewer(factory: sessionmaker, user_id: int, fingerprint: str) -> Viewer | None:
    with factory() as session:
        user = session.get(WebUser, user_id)
        if user is None or _fingerprint(user.password_hash) != fingerprint:
            return None
        return Viewer(int(user.id), user.login, user.display_name, user.role, user.town_id)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/")


def _refuse(request: web.Request, status: int) -> web.StreamResponse:
    message = text(f"http_{status}")
    if _is_api(request):
        return web.json_response({"error": message}, status=status)
    return render(request, "error.html", {"message": message}, status=status)


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Login required everywhere but the login page and static files; town and county
    scope checked here and nowhere else."""
    route = request.match_info.route
    name = route.name or ""
    if name in PUBLIC_ROUTES or name.startswith("static"):
        return await handler(request)
    viewer = None
    token = request.cookies.get(COOKIE)
    claim = request.app[COOKIES].read(token) if token else None
    if claim is not None:
        viewer = await asyncio.to_thread(load_viewer, request.app[LEDGER], *claim)
    if viewer is None:
        if _is_api(request) or request.method != "GET":
            return _refuse(request, 401)
        raise web.HTTPFound("/login?next=" + quote(request.path_qs, safe=""))
    request["viewer"] = viewer
    town_id = request.match_info.get("town_id")
    if town_id is not None and not (town_id.isdigit() and viewer.may_see_town(int(town_id))):
        log.info(
            "web access refused",
            extra={"login": viewer.login, "path": request.path, "reason": "other town"},
        )
        return _refuse(request, 404)
    if name.startswith("county") and not viewer.is_county:
        log.info(
            "web access refused",
            extra={"login": viewer.login, "path": request.path, "reason": "county only"},
        )
        return _refuse(request, 403)
    return await handler(request)
