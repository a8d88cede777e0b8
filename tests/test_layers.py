"""The layers show the flow (issue 11, "What to build 7"), checked on every module's imports:

    taizhang (settings, shipped files)  <-  nlu  <-  bot.storage  <-  actions  <-  dispatcher
    <-  channels / commands / run

A module may import from its own layer and the layers to its left, never to its right; SQL
is written in bot/storage only; channels reach the rest of the bot through the dispatcher
(a handler) and the small protocol in bot/channels/protocol.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.channels.protocol import Channel
from taizhang.resources import ROOT

PACKAGES = ("taizhang", "nlu", "actions", "bot")
# What sqlalchemy offers for writing queries; engines, sessions and errors are fine elsewhere.
SQL_NAMES = {"select", "insert", "update", "delete", "text", "func", "exists", "and_", "or_"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(p for p in parts if p != "__init__")] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names imported from it) for every import, lazy ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _ours(module: str) -> bool:
    return module.split(".")[0] in PACKAGES


def _under(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


# (layer, what it must not import)
UPWARD = {
    "taizhang": ("nlu", "actions", "bot"),
    "nlu": ("actions", "bot"),
    "bot.storage": ("actions", "bot.dispatcher", "bot.channels", "bot.commands", "bot.cli",
                    "bot.run", "bot.onboarding", "bot.scheduler", "bot.reports"),
    "bot.reports": ("actions", "bot.dispatcher", "bot.channels", "bot.commands", "bot.cli",
                    "bot.run", "bot.onboarding"),
    "actions": ("bot.dispatcher", "bot.channels", "bot.commands", "bot.cli", "bot.run",
                "bot.onboarding", "bot.scheduler"),
    "bot.dispatcher": ("bot.channels", "bot.commands", "bot.cli", "bot.run", "bot.onboarding"),
    "bot.channels": ("bot.commands", "bot.cli", "bot.run", "bot.onboarding", "bot.scheduler"),
    "bot.scheduler": ("bot.dispatcher", "bot.commands", "bot.cli", "bot.run"),
}  # fmt: skip


@pytest.mark.parametrize("layer", sorted(UPWARD))
def test_no_layer_imports_a_layer_above_it(layer):
    wrong = [
        f"{name} imports {imported}"
        for name, path in MODULES.items()
        if _under(name, layer)
        for imported, _ in _imports(path)
        if _ours(imported)
        and _under(imported, *UPWARD[layer])
        # the scheduler posts through any channel: it knows the protocol, nothing more
        and not (layer == "bot.scheduler" and imported == "bot.channels.protocol")
    ]
    assert wrong == []


def test_sql_is_written_in_bot_storage_only():
    wrong = [
        f"{name}: {sorted(SQL_NAMES & set(names))}"
        for name, path in MODULES.items()
        if not _under(name, "bot.storage")
        for imported, names in _imports(path)
        if imported == "sqlalchemy" and SQL_NAMES & set(names)
    ]
    assert wrong == []


def test_channels_meet_the_channel_protocol():
    from bot.channels.console import ConsoleChannel
    from bot.channels.wechaty_channel import WechatyChannel

    for channel in (WechatyChannel, ConsoleChannel):
        assert all(callable(getattr(channel, m, None)) for m in ("connect", "listen", "stop"))
        assert callable(channel.send)
    assert issubclass(ConsoleChannel, Channel) and issubclass(WechatyChannel, Channel)
