"""Shared fixtures: a migrated ledger on SQLite and on PostgreSQL, settings, the parser.

PostgreSQL isolation: each test session (each xdist worker, each concurrent pytest run)
gets its own schema, named after the worker id and the process id, selected through
`options=-csearch_path=…` in the URL — so parallel runs never see each other's rows.
Tables are emptied before every test; the schema is dropped at the end of the session.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from bot.dispatcher import Dispatcher
from bot.message import IncomingMessage
from bot.settings import Settings
from bot.storage import make_engine, make_session_factory, migrate
from bot.storage.models import Base
from bot.storage.registry import add_person, bind_room, get_or_create_town

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
SCHEMA_PREFIX = "taizhang_test_"
ZONE = ZoneInfo("Asia/Shanghai")


def postgres_url(schema: str) -> str:
    return f"{POSTGRES_SERVER}?options=-csearch_path%3D{schema}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.fixture(scope="session")
def postgres_schema(worker_id: str) -> Iterator[str]:
    """A fresh, migrated schema for this test session; stale ones of dead runs are dropped."""
    schema = f"{SCHEMA_PREFIX}{re.sub(r'[^a-z0-9]', '', worker_id.lower())}_{os.getpid()}"
    engine = make_engine(POSTGRES_SERVER)
    with engine.begin() as conn:
        names = conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
            {"p": SCHEMA_PREFIX + "%"},
        ).scalars()
        for name in list(names):
            pid = name.rsplit("_", 1)[-1]
            if name == schema or (pid.isdigit() and not _pid_alive(int(pid))):
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    migrate(postgres_url(schema))
    yield schema
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """One migrated SQLite file per session; each test gets a copy (migrating is slower)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    migrate(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return str(path)


def _empty_postgres(schema: str) -> None:
    engine = make_engine(postgres_url(schema))
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A migrated, empty ledger database: a fresh SQLite file, or this session's PG schema."""
    if request.param == "sqlite":
        path = tmp_path / "ledger.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    schema = request.getfixturevalue("postgres_schema")
    _empty_postgres(schema)
    return postgres_url(schema)


@pytest.fixture
def settings(db_url: str, tmp_path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        timezone="Asia/Shanghai",
        confidence_threshold=0.6,
        correction_window_minutes=24 * 60,
    )


@pytest.fixture
def session_factory(settings: Settings) -> Iterator[sessionmaker]:
    engine = make_engine(settings.effective_database_url)
    yield make_session_factory(engine)
    engine.dispose()


@dataclass
class Registered:
    """The ids of a registered town, room and people, for building messages."""

    town_id: int
    room_id: int
    channel: str
    room: str
    staff: str
    supervisor: str


@pytest.fixture
def registered(session_factory) -> Registered:
    """Town 白岩镇 with room 'grp-1' (channel 'test'), staff 'zhang' and supervisor 'li'."""
    with session_factory() as session:
        town = get_or_create_town(session, "白岩镇")
        room = bind_room(session, "test", "grp-1", town, topic="白岩镇法治工作群")
        add_person(session, "test", "zhang", town, display_name="张三")
        add_person(session, "test", "li", town, display_name="李四", role="supervisor")
        session.commit()
        return Registered(town.id, room.id, "test", "grp-1", "zhang", "li")


@pytest.fixture
def make_message() -> Callable[..., IncomingMessage]:
    """IncomingMessage with sensible defaults; ids are unique unless given."""
    counter = iter(range(1, 10**9))

    def build(
        text: str,
        *,
        time: datetime | str = "2024-05-16T10:30:00",
        sender: str = "zhang",
        room: str | None = "grp-1",
        channel: str = "test",
        message_id: str | None = None,
        mentions_bot: bool = False,
    ) -> IncomingMessage:
        if isinstance(time, str):
            time = datetime.fromisoformat(time)
        if time.tzinfo is None:
            time = time.replace(tzinfo=ZONE)
        return IncomingMessage(
            channel=channel,
            message_id=message_id or f"m{next(counter)}",
            room=room,
            sender=sender,
            time=time,
            text=text,
            mentions_bot=mentions_bot,
        )

    return build


@pytest.fixture(scope="session")
def parser():
    """The real NLU parser (trained Rasa model), loaded once per test session."""
    from nlu.parser import load_parser

    return load_parser(Settings())


@pytest.fixture
def dispatcher(settings, session_factory, parser) -> Dispatcher:
    return Dispatcher(settings, session_factory, parser)


@pytest.fixture
def cli(settings: Settings, monkeypatch):
    """Run `taizhang ARGS…` on this test's ledger: cli("towns", "add", "白岩镇")."""
    from typer.testing import CliRunner

    from bot.cli import app
    from bot.settings import get_settings

    monkeypatch.setenv("TAIZHANG_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("TAIZHANG_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()
