"""The scheduler's leader lock on PostgreSQL: a session-level advisory lock on a connection
of its own (SQL, so it lives in bot/storage; the scheduler only asks acquire/alive/release)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading

from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

# A bigint advisory lock shows in pg_locks as classid (high 32 bits), objid (low), objsubid 1.
_HOLDS_LOCK = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = pg_backend_pid() AND objsubid = 1"
    " AND classid::bigint = :hi AND objid::bigint = :lo)"
)


class PostgresLeaderLock:
    """A session-level advisory lock held on a connection of its own."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn = None
        self._held = False
        self.key: int | None = None
        self._guard = threading.Lock()  # jobs check from worker threads

    def _connection(self):
        if self._conn is None:
            self._conn = self.engine.connect()
            db, schema = self._conn.execute(
                text("SELECT current_database(), current_schema()")
            ).one()
            digest = hashlib.sha256(f"taizhang-scheduler:{db}:{schema}".encode()).digest()
            self.key = int.from_bytes(digest[:8], "big", signed=True)
            self._conn.commit()
        return self._conn

    def acquire(self) -> bool:
        with self._guard:
            return self._acquire()

    def _acquire(self) -> bool:
        try:
            conn = self._connection()
            self._held = bool(
                conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
            )
            conn.commit()
        except Exception as error:  # the database is down: not the leader, try later
            log.warning("scheduler: leader lock unavailable: %s", error)
            self._drop()
        return self._held

    def alive(self) -> bool:
        """Whether this connection still holds the lock (a lost connection lost it)."""
        with self._guard:
            if self._conn is None or not self._held or self.key is None:
                return False
            unsigned = self.key & 0xFFFFFFFFFFFFFFFF
            try:
                held = self._conn.execute(
                    _HOLDS_LOCK, {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF}
                ).scalar()
                self._conn.commit()
            except Exception as error:
                log.warning("scheduler: leader connection lost: %s", error)
                self._drop()
                return False
            if not held:
                log.warning("scheduler: the leader lock is no longer held")
                self._drop()
            return bool(held)

    def _drop(self) -> None:
        self._held = False
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.invalidate()
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None

    def release(self) -> None:
        with self._guard:
            self._release()

    def _release(self) -> None:
        if self._conn is not None and self._held:
            with contextlib.suppress(Exception):
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                self._conn.commit()
        self._held = False
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None
