"""Slow work a message asked for (a report render) runs here, not on the message path.

The handler thread answers each message at once ("正在生成…") and hands the slow part to
this one thread; the answer it produces travels back as the reply's `follow_up` future,
which the channel sends when it is done. Meanwhile every other group is served.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Background:
    """One worker thread, first come first served (two renders at once would only share
    the same CPU and memory)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="taizhang-background")

    def submit(self, work: Callable[[], T]) -> Future[T]:
        return self._pool.submit(work)

    def close(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)
