"""Notices when the puppet's event stream has gone quiet and asks for a reconnect.

Why: after a puppet-service restart the gRPC event stream can stay open but deliver
nothing, and python-wechaty's own heartbeat wiring listens for an event name the service
never emits. So every event we see feeds this dog; when nothing has arrived for a while it
sends a `ding` (the service answers with a `dong` event), and when even that stays
unanswered it calls `on_quiet`, which restarts the puppet.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Watchdog:
    """Feed it on every event; it dings after `ding_after` s of quiet, fires after `quiet_after`."""

    def __init__(
        self,
        *,
        ding: Callable[[], Awaitable[None]],
        on_quiet: Callable[[], Awaitable[None] | None],
        ding_after: float = 10.0,
        quiet_after: float = 25.0,
        ding_timeout: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if quiet_after <= ding_after:
            raise ValueError("quiet_after must be longer than ding_after")
        self._ding = ding
        self._on_quiet = on_quiet
        self._ding_after = ding_after
        self._quiet_after = quiet_after
        self._ding_timeout = ding_timeout
        self._clock = clock
        self._last_event = clock()
        self._last_ding = float("-inf")
        self.fired = 0

    @property
    def quiet_for(self) -> float:
        """Seconds since the last event."""
        return self._clock() - self._last_event

    def feed(self, *_: object) -> None:
        """Record that the stream is alive (any event: message, dong, heartbeat, login)."""
        self._last_event = self._clock()

    async def check(self) -> None:
        """One look at the clock: ding if quiet for a while, fire if quiet for too long."""
        quiet = self.quiet_for
        if quiet >= self._quiet_after:
            self.fired += 1
            log.warning("puppet event stream quiet for %.1fs: reconnecting", quiet)
            self.feed()  # give the reconnect a full period before judging it
            result = self._on_quiet()
            if inspect.isawaitable(result):
                await result
            return
        now = self._clock()
        if quiet >= self._ding_after and now - self._last_ding >= self._ding_after / 2:
            self._last_ding = now
            try:
                await asyncio.wait_for(self._ding(), self._ding_timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a failed ding is itself a sign; on_quiet will follow
                log.info("ding failed: %s", exc)

    async def run(self) -> None:
        """Check a few times per ding period until cancelled."""
        tick = min(self._ding_after, self._quiet_after - self._ding_after) / 4
        while True:
            await asyncio.sleep(tick)
            await self.check()
