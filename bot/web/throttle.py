"""Failed-login throttle: a password cannot be guessed at the speed of the network.

Counted per (account name, client address) in the serving process, which is the one
process that answers logins; a restart forgets the counts, which only shortens a lockout.
The clock is injected so tests can move time instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

Key = tuple[str, str]


@dataclass
class LoginThrottle:
    """After `attempts` failures of one key within `window` seconds, that key is refused
    until `window` seconds after its latest failure; a successful login clears the key."""

    attempts: int
    window: float
    clock: Callable[[], float] = time.monotonic
    _failures: dict[Key, list[float]] = field(default_factory=dict)

    def _recent(self, key: Key) -> list[float]:
        now = self.clock()
        recent = [t for t in self._failures.get(key, []) if now - t < self.window]
        if recent:
            self._failures[key] = recent
        else:
            self._failures.pop(key, None)
        return recent

    def locked(self, key: Key) -> bool:
        return len(self._recent(key)) >= self.attempts

    def failed(self, key: Key) -> None:
        self._recent(key)
        self._failures.setdefault(key, []).append(self.clock())
        if len(self._failures) > 10_000:  # a flood of made-up names: keep memory bounded
            self._failures.pop(next(iter(self._failures)))

    def succeeded(self, key: Key) -> None:
        self._failures.pop(key, None)
