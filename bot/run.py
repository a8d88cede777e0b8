"""`taizhang run`: the bot in the WeChat groups (Wechaty) or, without a token, in the console.

The Wechaty channel, the spool retry and any background service (the scheduler, later)
share one asyncio event loop, so a scheduled reminder and a group message never race for
the database: both end up in the channel's single handler thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path

from bot.channels.protocol import Channel
from bot.channels.texts import load_run_texts
from bot.message import IncomingMessage, Reply
from taizhang.settings import Settings

log = logging.getLogger(__name__)

TOKEN_ENV = "WECHATY_PUPPET_SERVICE_TOKEN"
ENDPOINT_ENV = "WECHATY_PUPPET_SERVICE_ENDPOINT"

Handler = Callable[[IncomingMessage], list[Reply]]
# A background service runs in the bot's event loop until cancelled at shutdown; it gets
# the channel so it can post unsolicited messages (channel.send(room_id, Reply(...))).
BackgroundService = Callable[[Channel], Awaitable[None]]


def wechaty_credentials(environ: Mapping[str, str] = os.environ) -> tuple[str | None, str | None]:
    """(token, endpoint) from the environment; blank values count as unset."""
    token = (environ.get(TOKEN_ENV) or "").strip() or None
    endpoint = (environ.get(ENDPOINT_ENV) or "").strip() or None
    return token, endpoint


class RedactFilter(logging.Filter):
    """Removes a secret from every log line (python-wechaty logs its token in plain text)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secret:
            message = record.getMessage()
            if self._secret in message:
                record.msg = message.replace(self._secret, "***")
                record.args = ()
        return True


def build_handler(settings: Settings) -> Handler:
    """The dispatcher over the ledger and the trained parser: the one message path."""
    from bot.dispatcher import Dispatcher
    from bot.reports.picture import warm_up
    from bot.storage import open_ledger
    from nlu.parser import load_parser

    dispatcher = Dispatcher(settings, open_ledger(settings), load_parser(settings))
    dispatcher.background.submit(warm_up)  # the first progress picture as fast as the rest
    return dispatcher.handle


def background_services(settings: Settings) -> list[BackgroundService]:
    """Services started beside the channel in the same event loop.

    The scheduler hooks in here: return e.g. `[scheduler.serve]`, where
    `async def serve(channel)` starts an AsyncIOScheduler (it picks up the running loop)
    and sleeps until cancelled, posting through `channel.send(...)`.
    """
    if not settings.scheduler_enabled:
        return []
    from functools import partial

    from bot.scheduler import serve_channel

    return [partial(serve_channel, settings)]


async def serve_wechaty(
    settings: Settings,
    handler: Handler,
    *,
    token: str | None,
    endpoint: str | None,
    background: Sequence[BackgroundService] = (),
    install_signals: bool = True,
) -> None:
    """Run the WeChat channel until SIGTERM/SIGINT; in-flight messages are finished first."""
    os.environ.setdefault("CACHE_DIR", str(Path(settings.data_dir) / "wechaty"))
    from bot.channels.wechaty_channel import WechatyChannel

    channel = WechatyChannel(handler, settings=settings, token=token, endpoint=endpoint)
    loop = asyncio.get_running_loop()
    if install_signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: loop.create_task(channel.stop()))
    tasks = [loop.create_task(service(channel)) for service in background]
    try:
        await channel.run()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _run_console(settings: Settings) -> int:
    """Hand over to the console channel (bot/channels/console.py), same ledger and parser."""
    from bot.channels.console import CHANNEL, DEFAULT_ROOM, ConsoleChannel, local_user
    from bot.onboarding import console_session
    from bot.storage import open_ledger
    from nlu.parser import load_parser

    chat = console_session(
        settings, open_ledger(settings), load_parser(settings), CHANNEL, DEFAULT_ROOM, local_user()
    )
    ConsoleChannel.for_session(chat).run()
    return 0


def run(settings: Settings | None = None, environ: Mapping[str, str] = os.environ) -> int:
    """`taizhang run`: WeChat when a puppet-service token is set, else the console."""
    from bot.logs import configure_logging
    from bot.settings import get_settings

    settings = settings or get_settings()
    configure_logging(settings.log_level)
    texts = load_run_texts()
    token, endpoint = wechaty_credentials(environ)
    if token is None:
        sys.stdout.write(texts["no_token"] + "\n\n")
        sys.stdout.flush()
        # The terminal is the chat window now: only problems go to it, not routine logs.
        logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
        return _run_console(settings)

    redact = RedactFilter(token)
    for root_handler in logging.getLogger().handlers:
        root_handler.addFilter(redact)
    handler = build_handler(settings)
    log.info(texts["starting_wechaty"].format(endpoint=endpoint or "（由 token 查询）"))
    asyncio.run(
        serve_wechaty(
            settings,
            handler,
            token=token,
            endpoint=endpoint,
            background=background_services(settings),
        )
    )
    return 0
