"""Alembic environment: the URL comes from `bot.storage.migrate(url)` or from bot.settings."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import text

import bot.storage.schedule_models  # noqa: F401  (its tables are part of the ledger's schema)
from bot.settings import get_settings
from bot.storage.db import make_engine
from bot.storage.models import Base

config = context.config
# Configure logging only when run as the `alembic` command, not when the app migrates itself
# (that would reset the application's own logging).
if config.config_file_name is not None and "database_url" not in config.attributes:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata
# Held to the end of the migration's transaction; per schema, so test schemas do not wait.
_ONE_MIGRATION_AT_A_TIME = text(
    "SELECT pg_advisory_xact_lock(hashtext('taizhang-migrate:' || current_schema()))"
)


def database_url() -> str:
    return config.attributes.get("database_url") or get_settings().effective_database_url


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(database_url())
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:  # a table copied by a batch migration must not cascade to its children
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()  # end the autobegun transaction: migrations bring their own
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,  # SQLite can only alter tables by copying them
            )
            with context.begin_transaction():
                if not sqlite:  # two processes on a fresh database: one migrates, one waits
                    connection.execute(_ONE_MIGRATION_AT_A_TIME)
                context.run_migrations()
            if sqlite:
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
                if problems:
                    raise RuntimeError(f"foreign keys broken by the migration: {problems[:5]}")
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
