"""The scheduler service: an AsyncIOScheduler in the bot's event loop, its jobs stored in
the ledger database, run by exactly one process.

- Job store: APScheduler's SQLAlchemyJobStore on the ledger's own database (table
  `apscheduler_jobs`, created by migration 0002), so jobs and their next run survive a
  restart; with `coalesce` and `misfire_grace_time`, a bot that was down at 09:00 and is
  back within the grace time sends the 09:00 job once.
- Leader: on PostgreSQL, the process holding `pg_try_advisory_lock(key)` on a dedicated
  connection runs the scheduler; the others retry every few seconds and take over when the
  leader's connection goes (crash, restart). The leader checks that it still holds the
  lock as often as the others retry, and right before every send; each job message also
  claims a unique key (scheduler_deliveries) before it goes out, so even two processes
  that both believe they lead send it at most once. The key is derived from the database and
  schema, so two ledgers on one server do not block each other. On SQLite one process is
  assumed (SQLite is a single-machine database): an exclusive file lock beside the
  database file stops a second process on the same machine all the same.
- Jobs are synchronised with the ledger every minute: a new town gets its jobs, a changed
  `taizhang schedule` reschedules them; unchanged jobs are left alone (replacing one would
  lose a pending misfire).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path
from typing import Protocol

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import Engine, make_url

from bot.channels.protocol import Channel
from bot.scheduler.deliveries import Sender
from bot.scheduler.jobs import JOB_PREFIX, JobContext, desired_jobs, install
from bot.settings import Settings
from bot.storage.db import jobstore_engine, make_engine, make_session_factory
from bot.storage.locks import PostgresLeaderLock
from bot.storage.schedule_models import JOBS_TABLE

log = logging.getLogger(__name__)


class LeaderLock(Protocol):
    def acquire(self) -> bool: ...
    def alive(self) -> bool: ...
    def release(self) -> None: ...


class FileLeaderLock:
    """An exclusive flock on `<database>.scheduler.lock` (SQLite: one machine)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        import fcntl

        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def alive(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None


def leader_lock(url: str, engine: Engine) -> LeaderLock:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return PostgresLeaderLock(engine)
    database = parsed.database or ":memory:"
    name = "memory" if database == ":memory:" else database
    return FileLeaderLock(Path(f"{name}.scheduler.lock").expanduser().resolve())


class SchedulerService:
    """Runs the town jobs while this process holds the leader lock; `await serve()`."""

    def __init__(
        self,
        settings: Settings,
        sender: Sender,
        *,
        channel: str | None = "wechaty",
        session_factory=None,
        sync_interval: float = 60.0,
        retry_interval: float | None = None,
    ) -> None:
        self.settings = settings
        self.sender = sender
        self.channel = channel
        url = settings.effective_database_url
        self.engine = make_engine(url)
        self.session_factory = session_factory or make_session_factory(self.engine)
        self.lock = leader_lock(url, self.engine)
        self.jobs_engine = jobstore_engine(url)
        self.sync_interval = sync_interval
        self.retry_interval = (
            settings.scheduler_leader_retry_seconds if retry_interval is None else retry_interval
        )
        self.scheduler: AsyncIOScheduler | None = None

    @property
    def is_leader(self) -> bool:
        return self.scheduler is not None

    def _new_scheduler(self) -> AsyncIOScheduler:
        return AsyncIOScheduler(
            jobstores={
                "default": SQLAlchemyJobStore(engine=self.jobs_engine, tablename=JOBS_TABLE)
            },
            executors={"default": AsyncIOExecutor()},
            job_defaults={
                "coalesce": True,
                "misfire_grace_time": self.settings.scheduler_misfire_grace_seconds,
                "max_instances": 1,
            },
            timezone=self.settings.timezone,
        )

    async def step(self) -> bool:
        """One round: take or check the leadership, then bring the jobs up to date."""
        loop = asyncio.get_running_loop()
        if self.scheduler is None:
            if not await loop.run_in_executor(None, self.lock.acquire):
                return False
            log.info("scheduler: this process is the leader; starting jobs")
            install(
                JobContext(
                    self.settings,
                    self.session_factory,
                    self.sender,
                    self.channel,
                    still_leader=self.lock.alive,
                )
            )
            self.scheduler = self._new_scheduler()
            self.scheduler.start()  # due and misfired jobs (within grace) run now, once
        elif not await loop.run_in_executor(None, self.lock.alive):
            log.warning("scheduler: leadership lost; standing by")
            self._stop_scheduler()
            return False
        try:
            self.sync_jobs()
        except Exception:
            log.exception("scheduler: could not synchronise jobs with the ledger")
        return True

    def sync_jobs(self) -> None:
        """Add missing town jobs, reschedule changed ones, remove those no longer wanted."""
        if self.scheduler is None:
            return
        with self.session_factory() as session:
            specs = desired_jobs(session, self.settings, self.channel)
        wanted = {spec.id: spec for spec in specs}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
                job.remove()
        for spec in specs:
            job = self.scheduler.get_job(spec.id)
            if (
                job is None
                or str(job.trigger) != str(spec.trigger)
                or tuple(job.args) != spec.args
                or job.func_ref != spec.func
            ):
                self.scheduler.add_job(
                    spec.func,
                    spec.trigger,
                    args=spec.args,
                    id=spec.id,
                    name=f"{spec.kind} {spec.town}",
                    replace_existing=True,
                )

    def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            with contextlib.suppress(Exception):
                self.scheduler.shutdown(wait=False)
            self.scheduler = None

    async def check_lease(self) -> bool:
        """While leading: stop the scheduler at once if the lock is gone."""
        if self.scheduler is None:
            return False
        if await asyncio.get_running_loop().run_in_executor(None, self.lock.alive):
            return True
        log.warning("scheduler: leadership lost; standing by")
        self._stop_scheduler()
        return False

    async def serve(self) -> None:
        """Until cancelled: lead (check the lock as often as a standby retries it, sync
        jobs every `sync_interval`) or stand by (retry the lock)."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                if not await self.step():
                    await asyncio.sleep(self.retry_interval)
                    continue
                next_sync = loop.time() + self.sync_interval
                while loop.time() < next_sync:
                    await asyncio.sleep(min(self.retry_interval, next_sync - loop.time()))
                    if not await self.check_lease():
                        break
        finally:
            self.close()

    def close(self) -> None:
        self._stop_scheduler()
        self.lock.release()
        self.jobs_engine.dispose()
        self.engine.dispose()


async def serve_channel(settings: Settings, channel: Channel) -> None:
    """The background service `taizhang run` starts beside the Wechaty channel."""
    connected = getattr(channel, "wait_connected", None)
    if connected is not None:  # let the first login happen before a misfired job sends
        await connected(60.0)
    service = SchedulerService(settings, channel.send, channel="wechaty")
    await service.serve()
