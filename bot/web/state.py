"""What the application holds (typed aiohttp keys), and running ledger reads off the loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web
from jinja2 import Environment
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from bot.web.throttle import LoginThrottle

T = TypeVar("T")

SETTINGS = web.AppKey("settings", Settings)
LEDGER = web.AppKey("ledger", sessionmaker)
TEMPLATES = web.AppKey("templates", Environment)
THROTTLE = web.AppKey("throttle", LoginThrottle)


async def read_ledger(request: web.Request, work: Callable[..., T], *args: Any) -> T:
    """Run `work(session, *args)` in a worker thread (SQLAlchemy here is synchronous)."""

    def run() -> T:
        factory: sessionmaker = request.app[LEDGER]
        with factory() as session:
            return work(session, *args)

    return await asyncio.to_thread(run)


__all__ = ["LEDGER", "SETTINGS", "TEMPLATES", "THROTTLE", "Session", "read_ledger"]
