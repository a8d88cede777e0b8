"""Scheduled messages: coverage reminders, monthly digests, year-end drafts.

- `service.SchedulerService(settings, sender)` runs the jobs (APScheduler, job store in the
  ledger database, one leader process); `service.serve_channel(settings, channel)` is what
  `taizhang run` starts beside the Wechaty channel.
- `deliveries.plan(session, settings, kind, town_id, now)` says what a job would send at
  `now`; `deliveries.deliver(...)` is the job body (plan, send, remember).
- `jobs.desired_jobs(session, settings)` lists every town's jobs with their triggers.

Nothing is imported here, so `taizhang` commands that only need the texts stay quick.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "Delivery": "bot.scheduler.deliveries",
    "Sender": "bot.scheduler.deliveries",
    "deliver": "bot.scheduler.deliveries",
    "plan": "bot.scheduler.deliveries",
    "JobSpec": "bot.scheduler.jobs",
    "desired_jobs": "bot.scheduler.jobs",
    "SchedulerService": "bot.scheduler.service",
    "serve_channel": "bot.scheduler.service",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """`from bot.scheduler import SchedulerService` without importing APScheduler eagerly."""
    if name not in _EXPORTS:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
