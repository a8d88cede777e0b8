"""Several processes starting at once on a fresh database all migrate it and start (issue
11: "on a fresh database a second process exits during migration with a message that
wrongly says the database may be down")."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from bot.storage import make_engine
from tests.conftest import POSTGRES_SERVER, SCHEMA_PREFIX, postgres_url

PROCESSES = 4
MIGRATE = "import sys; from bot.storage.db import migrate; migrate(sys.argv[1])"


def _migrate_at_once(url: str) -> list[subprocess.CompletedProcess]:
    started = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE, url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    return [subprocess.CompletedProcess(p.args, p.wait(120), *p.communicate()) for p in started]


def _version(url: str) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    return versions


def _head() -> str:
    from alembic.script import ScriptDirectory

    from bot.storage.db import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@pytest.fixture
def fresh_postgres():
    schema = f"{SCHEMA_PREFIX}race_{os.getpid()}"
    engine = make_engine(POSTGRES_SERVER)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield postgres_url(schema)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_processes_starting_together_all_migrate(database, tmp_path, request):
    if database == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh' / 'ledger.sqlite3'}"
    else:
        url = request.getfixturevalue("fresh_postgres")
    done = _migrate_at_once(url)
    assert [p.returncode for p in done] == [0] * PROCESSES, [p.stderr[-800:] for p in done]
    assert _version(url) == [_head()]
