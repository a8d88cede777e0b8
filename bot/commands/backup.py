"""`taizhang backup`: a consistent copy of the ledger while the bot keeps running.

SQLite: the online backup API copies the database page by page under a read lock, so the
copy is a valid database even while the bot writes (a plain `cp` of a WAL database can
miss what is still in the -wal file). PostgreSQL: pg_dump is the tool; the command prints
the recipe for this database rather than guessing where pg_dump lives.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import typer
from sqlalchemy.engine import make_url

from actions import replies
from bot.commands.chinese import h
from bot.settings import get_settings


def say(key: str, **values) -> str:
    return replies.text(f"cli.backup.{key}", **values)


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy the SQLite database at `source` to `target` consistently; returns its size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
        copy = sqlite3.connect(partial)
        try:
            src.backup(copy)
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise sqlite3.DatabaseError(verdict)
        finally:
            copy.close()
    partial.replace(target)  # the file appears complete, or not at all
    return target.stat().st_size


def backup_command(
    output: Path | None = typer.Option(None, "-o", "--output", help=h("backup.output")),
) -> None:
    """Back up the ledger: a consistent SQLite copy, or the pg_dump recipe for PostgreSQL."""
    settings = get_settings()
    url = make_url(settings.effective_database_url)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = settings.data_dir / "backups"
    if url.get_backend_name() != "sqlite":
        target = output or folder / f"taizhang-{stamp}.dump"
        shown = url.render_as_string(hide_password=True)
        typer.echo(say("postgres", url=shown, path=target))
        return
    source = Path(url.database or "").expanduser()
    if not source.is_file():
        typer.echo(say("missing", path=source), err=True)
        raise typer.Exit(1)
    target = output or folder / f"taizhang-{stamp}.sqlite3"
    try:
        size = backup_sqlite(source, target)
    except (sqlite3.Error, OSError) as error:
        typer.echo(say("failed", error=error), err=True)
        raise typer.Exit(1) from error
    typer.echo(say("written", path=target, size=f"{size / 1024 / 1024:.1f}"))
    typer.echo(say("restore", path=target, source=source))


def register(app: typer.Typer) -> None:
    app.command("backup", help=h("backup.help"))(backup_command)
