"""`taizhang corpus generate`: labelled training lines over the activity catalogue
(nlu/generate.py), written into data/corpus/ where `taizhang train` reads them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from bot.commands.chinese import h, say

corpus_app = typer.Typer(help=h("corpus.help"), no_args_is_help=True)


@corpus_app.command("generate", help=h("corpus.generate"))
def generate(
    count: int | None = typer.Option(None, "--count", help=h("corpus.count")),
    seed: int | None = typer.Option(None, "--seed", help=h("corpus.seed")),
    output: Path | None = typer.Option(None, "-o", "--output", help=h("corpus.output")),
) -> None:
    """Write `count` generated lines (the same for the same seed) and say what they hold.
    The defaults live in nlu.generate, imported only when the command runs (it loads Rasa)."""
    from nlu.generate import DEFAULT_COUNT, DEFAULT_SEED, OUTPUT_FILE, generate, write_lines

    lines = generate(count or DEFAULT_COUNT, DEFAULT_SEED if seed is None else seed)
    path = write_lines(lines, output or OUTPUT_FILE)
    intents = Counter(line.record["intent"] for line in lines)
    typer.echo(
        say(
            "corpus_generated",
            count=len(lines),
            path=path,
            logs=intents["log_activity"],
            others=len(lines) - intents["log_activity"],
            facts=sum(len(line.record["facts"]) for line in lines),
        )
    )


def register(app: typer.Typer) -> None:
    app.add_typer(corpus_app, name="corpus")
