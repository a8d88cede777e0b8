"""The WeChat channel against the official Wechaty puppet-service server: npm
`wechaty-puppet-service` 1.19.9 serving the official mock puppet (pinned in
tests/wechaty_official/package.json + package-lock.json; `npm ci` there, or
scripts/system-deps, installs them). Real python-wechaty client, real Dispatcher, parser
and ledger.

The defect it guards (issue 11): wechaty-puppet >= 1.7 sends an error event as
{"gerror": ...}; python-wechaty 0.10.7 required "data", its event stream died, and a
message said right after the error was never answered nor stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from filelock import FileLock

from bot.dispatcher import Dispatcher
from tests.wechaty_support.harness import (
    FAST,
    CountingHandler,
    facts_of,
    register_town,
    running_channel,
    wait_until,
)

NODE, NPM = shutil.which("node"), shutil.which("npm")
SERVER_DIR = Path(__file__).with_name("wechaty_official")
ROOM, ZHANG, BOT = "20001@chatroom", "wxid_zhang", "wxid_bot"  # as in server.mjs
TOKEN = "taizhang-test-token"
# The mock answers a ding after 1 s: the watchdog must not take that for a dead stream.
TIMINGS = FAST.__class__(**{**FAST.__dict__, "ding_after": 5.0, "quiet_after": 20.0})

pytestmark = pytest.mark.skipif(
    NODE is None,
    reason="node is not installed, so the official Wechaty puppet-service server (npm) "
    "cannot run here; CI runs this test with node 20",
)


@pytest.fixture(scope="session")
def server_dir(tmp_path_factory) -> Path:
    """tests/wechaty_official with its pinned node modules (npm ci once, under a lock)."""
    with FileLock(str(SERVER_DIR / ".npm-ci.lock")):
        if not (SERVER_DIR / "node_modules" / "wechaty-puppet-service").is_dir():
            assert NPM is not None, "node without npm: run `npm ci` in tests/wechaty_official"
            subprocess.run(
                [NPM, "ci", "--no-audit", "--no-fund"], cwd=SERVER_DIR, check=True, timeout=600
            )
    return SERVER_DIR


class OfficialServer:
    """`node server.mjs PORT TOKEN`: commands on stdin, what the bot sends on stdout."""

    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        self.process = process
        self.endpoint = f"127.0.0.1:{port}"
        self.sent: list[dict] = []
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def start(cls, folder: Path) -> OfficialServer:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            NODE, "server.mjs", str(port), TOKEN, cwd=folder,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert json.loads(line) == {"ready": True}, line
        return cls(process, port)

    async def _read(self) -> None:
        async for line in self.process.stdout:
            event = json.loads(line)
            if "sent" in event:
                self.sent.append(event["sent"])

    def command(self, **command: object) -> None:
        self.process.stdin.write((json.dumps(command, ensure_ascii=False) + "\n").encode())

    def say(self, text: str, **extra: object) -> None:
        self.command(say=text, **{"from": ZHANG}, room=ROOM, mention=[BOT], **extra)

    def texts(self) -> list[str]:
        return [s["text"] for s in self.sent if "text" in s]

    async def stop(self) -> None:
        self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except asyncio.TimeoutError:
            self.process.kill()
            await self.process.wait()
        self._reader.cancel()


@contextlib.asynccontextmanager
async def official_channel(server_dir: Path, handler, settings):
    """The official server and our channel connected to it: (server, channel)."""
    server = await OfficialServer.start(server_dir)
    try:
        async with running_channel(
            handler,
            settings=settings,
            timings=TIMINGS,
            token=TOKEN,
            endpoint=server.endpoint,
            connect_timeout=30,
        ) as channel:
            yield server, channel
    finally:
        await server.stop()


@pytest.fixture
def handler(settings, session_factory, parser) -> CountingHandler:
    register_town(session_factory, rooms={ROOM: "双土镇法治工作群"}, people={ZHANG: "张三"})
    return CountingHandler(Dispatcher(settings, session_factory, parser).handle)


def test_a_message_said_right_after_a_puppet_error_is_answered(
    server_dir, handler, settings, session_factory
):
    async def scenario() -> tuple[int, int]:
        async with official_channel(server_dir, handler, settings) as (server, channel):
            server.say("今天调解纠纷3件")
            assert await wait_until(lambda: len(server.texts()) == 1, 30)
            before = channel.connections
            # The puppet's error event, and a message in the same tick right after it.
            server.say("今天调解纠纷5件", error="mock puppet failed")
            assert await wait_until(lambda: len(server.texts()) == 2, 30)
            assert await channel.idle(30)
            return before, channel.connections

    before, after = asyncio.run(asyncio.wait_for(scenario(), 120))
    assert after == before  # the error event did not end the stream
    assert sorted(v for _, v, _ in facts_of(session_factory)) == [3.0, 5.0]
    assert [m.text for m in handler.seen] == ["今天调解纠纷3件", "今天调解纠纷5件"]


def test_progress_picture_arrives_as_an_image_file(server_dir, handler, settings):
    """ "@法治台账 看看进度" through the official server: the PNG crosses the gRPC wire as a
    FileBox the puppet reads as image/png."""

    async def scenario() -> list[dict]:
        async with official_channel(server_dir, handler, settings) as (server, channel):
            server.say("今天调解纠纷3件")
            server.say("看看进度")
            assert await wait_until(lambda: any("file" in s for s in server.sent), 60)
            assert await channel.idle(30)
            return list(server.sent)

    sent = asyncio.run(asyncio.wait_for(scenario(), 120))
    [image] = [s for s in sent if "file" in s]
    assert image["conversationId"] == ROOM
    assert image["file"].endswith("年台账进度.png") and image["mediaType"] == "image/png"
    assert image["head"] == "89504e470d0a1a0a" and image["size"] > 10_000  # a real PNG
    assert sent.index(image) == 2  # after the answer's text
