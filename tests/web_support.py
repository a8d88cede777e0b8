"""Helpers for the dashboard tests: a seeded ledger with logins, and the app served for real
(aiohttp in a background thread on a free port) so that HTTP clients and Chromium see
exactly what a browser on the intranet would."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import requests
from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.reports import build_report
from bot.reports.sample import populate_year
from bot.settings import Settings
from bot.storage.accounts import add_user
from bot.storage.registry import find_town
from bot.web.app import build_app
from bot.web.passwords import hash_password

YEAR = 2024
AS_OF = date(2025, 1, 10)
PASSWORD = "correct-horse-42"
TOWN_A, TOWN_B = "白岩镇", "青石镇"


@dataclass(frozen=True)
class Seeded:
    """Two towns with a year of work (白岩镇 also the year before) and three logins."""

    town_a: int
    town_b: int
    supervisor_a: str = "li"
    supervisor_b: str = "wang"
    county: str = "county"


def seed(factory: sessionmaker) -> Seeded:
    with factory() as session:
        populate_year(session, TOWN_A, YEAR, 260)
        populate_year(session, TOWN_A, YEAR - 1, 180)
        populate_year(session, TOWN_B, YEAR, 140)
        session.flush()
        a, b = find_town(session, TOWN_A), find_town(session, TOWN_B)
        hashed = hash_password(PASSWORD)
        add_user(session, "li", "李四", hashed, "supervisor", a)
        add_user(session, "wang", "王五", hashed, "supervisor", b)
        add_user(session, "county", "县依法治县办", hashed, "county", None)
        session.commit()
        return Seeded(int(a.id), int(b.id))


def report_json(settings: Settings, factory: sessionmaker, town: str, tmp: Path) -> dict:
    """The town's report JSON, written by `taizhang report`'s own code."""
    path = build_report(
        factory, town, YEAR, "json", tmp / f"{town}.json", settings=settings, as_of=AS_OF
    )
    return json.loads(path.read_text(encoding="utf-8"))


class LiveServer:
    """The dashboard served on 127.0.0.1:<free port> from a thread with its own loop."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._runner: web.AppRunner | None = None
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self._runner = web.AppRunner(self.app, access_log=None)
            self.loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            self.loop.run_until_complete(site.start())
            self.port = self._runner.addresses[0][1]
        except BaseException as error:  # reported by start()
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()

    def start(self) -> LiveServer:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("dashboard did not start within 30 s")
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)
        self.loop.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def serve(settings: Settings, factory: sessionmaker) -> LiveServer:
    return LiveServer(build_app(settings, factory)).start()


def login(server: LiveServer, name: str, password: str = PASSWORD) -> requests.Session:
    """An HTTP session logged in as `name` (asserts the login worked)."""
    client = requests.Session()
    response = client.post(
        server.url + "/login",
        data={"login": name, "password": password, "next": "/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text
    return client


def page_facts(summary: dict) -> dict[str, list[dict]]:
    """Per section, the figures as the report JSON has them (the page adds drill links)."""
    keys = ("label", "value", "unit", "records", "kind")
    return {s["id"]: [{k: f[k] for k in keys} for f in s["facts"]] for s in summary["sections"]}


def report_facts(report: dict) -> dict[str, list[dict]]:
    return {s["id"]: s["facts"] for s in report["sections"]}
