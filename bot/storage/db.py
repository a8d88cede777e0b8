"""Engines, sessions and migrations: the only place that knows how to open the ledger.

SQLite is the embedded default (WAL mode, so a reader never blocks the bot and a killed
process never leaves a half-written message); any other database comes from
`TAIZHANG_DATABASE_URL`. Every command opens the ledger through `open_ledger`, which also
brings the schema up to date, so a fresh machine needs no separate setup step.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from taizhang.resources import ROOT
from taizhang.settings import Settings


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across a killed process in WAL mode
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """A 2.0-style engine; for SQLite the parent directory is created and WAL switched on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # Keep connections open (SQLAlchemy 1.4 would open one per session for a file
        # database): reconnecting costs a schema read, and closing the last connection to a
        # WAL database checkpoints it — milliseconds per message.
        engine = create_engine(
            url,
            future=True,
            poolclass=QueuePool,
            pool_size=5,
            max_overflow=10,
            connect_args={"timeout": 10, "check_same_thread": False},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def jobstore_engine(url: str) -> Engine:
    """A SQLAlchemy 1.x-style engine: APScheduler 3.9's job store calls `engine.execute`,
    which the ledger's 2.0-style (future) engines do not have."""
    from sqlalchemy import create_engine, event

    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False})

    def _busy_timeout(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    event.listen(engine, "connect", _busy_timeout)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions that keep loaded objects usable after commit (replies are built after it)."""
    return sessionmaker(bind=engine, class_=Session, future=True, expire_on_commit=False)


def alembic_config(url: str):
    """Alembic's config for this project, pointed at `url` (passed outside the ini file, so
    a '%' in a password or in `options=-csearch_path%3D…` needs no escaping)."""
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (default: the newest schema)."""
    from alembic import command

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        command.upgrade(alembic_config(url), revision)  # PostgreSQL: an advisory lock (env.py)
        return
    from filelock import FileLock

    make_engine(url).dispose()  # creates the data directory
    # Two processes starting on a fresh file: one migrates, the other waits and finds it done.
    with FileLock(f"{Path(parsed.database).expanduser()}.migrate.lock"):
        command.upgrade(alembic_config(url), revision)


def open_ledger(settings: Settings, *, upgrade: bool = True) -> sessionmaker:
    """Create the data directory, migrate to the newest schema, and return a session factory."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.effective_database_url
    if upgrade:
        migrate(url)
    return make_session_factory(make_engine(url))
