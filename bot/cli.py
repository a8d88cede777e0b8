"""The `taizhang` console command: one typer app; each command group lives in bot/commands/."""

from __future__ import annotations

import typer

from bot.commands import register_all
from bot.commands.chinese import h, install

install()  # click's and typer's own words in Chinese, before any command is built
app = typer.Typer(
    name="taizhang",
    help=h("app"),
    no_args_is_help=True,
    add_completion=False,
)
register_all(app)

if __name__ == "__main__":  # pragma: no cover
    app()
