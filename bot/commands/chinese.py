"""Chinese on the command line: every help text from data/cli.yml, and typer's own words
(usage, panel titles, the help option) and error messages, so an administrator reads no
English.

typer 0.2x carries its own copy of click with these words written in; `install()` swaps
them for data/cli.yml's at the few places they are produced (a word or message not listed
stays as it is). It runs once, before any command is registered.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

CLI_FILE = PROJECT_ROOT / "data" / "cli.yml"

# Words typer computes once, when its module is imported.
_TYPER_CONSTANTS = (
    "DEPRECATED_STRING",
    "DEFAULT_STRING",
    "ENVVAR_STRING",
    "REQUIRED_LONG_STRING",
    "ARGUMENTS_PANEL_TITLE",
    "OPTIONS_PANEL_TITLE",
    "COMMANDS_PANEL_TITLE",
    "ERRORS_PANEL_TITLE",
    "ABORTED_TEXT",
    "RICH_HELP",
)


@lru_cache(maxsize=1)
def _texts() -> dict[str, Any]:
    return yaml.safe_load(CLI_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _error_patterns() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(pattern, re.S), into) for pattern, into in _texts()["errors"]]


def h(key: str) -> str:
    """The help text at a dotted key of data/cli.yml `help` ('facts.year')."""
    node: Any = _texts()["help"]
    for part in key.split("."):
        node = node[part]
    return str(node)


def say(key: str, **values: Any) -> str:
    """A message of our own commands (data/cli.yml `messages`), filled with `values`."""
    return str(_texts()["messages"][key]).format(**values)


def intent_id(name: str) -> str:
    """An intent's id from its Chinese name (or the id itself)."""
    return str(_texts()["intents"].get(name.strip(), name.strip()))


def _first_names() -> dict[str, str]:
    seen: dict[str, str] = {}
    for name, intent in _texts()["intents"].items():
        seen.setdefault(intent, name)
    return seen


def intent_names() -> list[str]:
    """The Chinese intent names an administrator may type, one per intent."""
    return list(_first_names().values())


def intent_name(intent: str) -> str:
    """An intent's Chinese name (its first in data/cli.yml)."""
    return _first_names().get(intent, intent)


def fact_key(name: str) -> str:
    """A --fact key's English name from its Chinese one (or the key itself)."""
    return str(_texts()["fact_keys"].get(name.strip(), name.strip()))


def word(text: str) -> str:
    """typer's word in Chinese, or unchanged when data/cli.yml does not list it."""
    return str(_texts()["words"].get(text, text))


def error(message: str) -> str:
    """An error message of typer's in Chinese, by the first pattern that matches it."""
    for pattern, into in _error_patterns():
        if pattern.match(message):
            return pattern.sub(into, message, count=1)
    return message


@lru_cache(maxsize=1)
def install() -> None:
    """Swap typer's words and error messages for Chinese ones (once per process)."""
    import typer.rich_utils
    from typer._click import core, exceptions, formatting

    for name in _TYPER_CONSTANTS:
        if hasattr(typer.rich_utils, name):
            setattr(typer.rich_utils, name, word(getattr(typer.rich_utils, name)))

    write_usage = formatting.HelpFormatter.write_usage

    def chinese_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, chinese in _texts()["usage"].items():
            args = args.replace(english, chinese)
        write_usage(self, prog, args, word("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = chinese_usage

    get_help_option = core.Command.get_help_option

    def chinese_help_option(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None and option.help:
            option.help = word(option.help)
        return option

    core.Command.get_help_option = chinese_help_option

    def chinese_message(original):
        def format_message(self) -> str:
            return error(original(self))

        return format_message

    import typer.exceptions

    for cls in (
        typer.exceptions.TyperException,
        exceptions.BadParameter,
        exceptions.MissingParameter,
        exceptions.NoSuchOption,
    ):
        if "format_message" in cls.__dict__:
            cls.format_message = chinese_message(cls.__dict__["format_message"])
