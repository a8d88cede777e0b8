"""`taizhang run`: start the bot (WeChat groups through Wechaty, or the console)."""

from __future__ import annotations

import typer

from bot.commands.chinese import h


def run() -> None:
    """Start the bot: in WeChat groups if WECHATY_PUPPET_SERVICE_TOKEN is set, else the console."""
    from bot.run import run as run_bot

    raise typer.Exit(run_bot())


def register(app: typer.Typer) -> None:
    app.command("run", help=h("run"))(run)
