"""The `taizhang` console command: one typer app; each command group lives in bot/commands/."""

from __future__ import annotations

import typer

from bot.commands import register_all

app = typer.Typer(
    name="taizhang",
    help="法治台账: keeps the township rule-of-law work ledger from group chat.",
    no_args_is_help=True,
    add_completion=False,
)
register_all(app)

if __name__ == "__main__":  # pragma: no cover
    app()
