"""The county page: placeholder until bot.reports.county (branch issue13-county) lands."""

from __future__ import annotations

from aiohttp import web


def add_routes(app: web.Application) -> None:
    return None
