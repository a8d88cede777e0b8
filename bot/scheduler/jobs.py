"""The scheduled jobs: top-level coroutines taking ids and strings only.

APScheduler stores a job as a reference ("bot.scheduler.jobs:reminder_job") plus its
arguments, so a job survives a restart and never pickles a session or a channel. The
running service installs a JobContext (settings, ledger, sender) that the jobs look up.
`now_iso` lets tests and the simulation fix the clock; the bot leaves it empty.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.message import Reply
from bot.scheduler import texts
from bot.scheduler.config import TownPlan, all_plans
from bot.scheduler.deliveries import Delivery, Sender, deliver
from bot.scheduler.triggers import FirstWorkdayTrigger, WorkdayCronTrigger
from bot.settings import Settings

JOB_PREFIX = "taizhang:"


@dataclass
class JobContext:
    """What a job needs at run time, installed by the process that runs the scheduler."""

    settings: Settings
    session_factory: object
    sender: Sender
    channel: str | None = "wechaty"
    # Checked right before each send: does this process still hold the leader lock?
    still_leader: Callable[[], bool] | None = None


_context: JobContext | None = None


def install(context: JobContext | None) -> None:
    global _context
    _context = context


def current() -> JobContext:
    if _context is None:
        raise RuntimeError("no scheduler context installed (SchedulerService not running)")
    return _context


async def run_kind(kind: str, town_id: int, now_iso: str | None = None) -> Delivery:
    """Run one job body in a worker thread; the reply is handed to the sender in the loop
    (the channel's send is not thread-safe)."""
    context = current()
    loop = asyncio.get_running_loop()
    zone = ZoneInfo(context.settings.timezone)
    now = datetime.fromisoformat(now_iso) if now_iso else datetime.now(zone)

    def sender(room: str, reply: Reply) -> None:
        loop.call_soon_threadsafe(context.sender, room, reply)

    return await loop.run_in_executor(
        None,
        partial(
            deliver,
            context.session_factory,
            context.settings,
            sender,
            kind,
            int(town_id),
            now,
            channel=context.channel,
            still_leader=context.still_leader,
        ),
    )


async def reminder_job(town_id: int, now_iso: str | None = None) -> None:
    await run_kind("reminder", town_id, now_iso)


async def digest_job(town_id: int, now_iso: str | None = None) -> None:
    await run_kind("digest", town_id, now_iso)


async def draft_job(town_id: int, stage: str, now_iso: str | None = None) -> None:
    await run_kind(stage, town_id, now_iso)


# ---- which jobs a ledger wants ------------------------------------------------------


@dataclass(frozen=True)
class JobSpec:
    id: str
    kind: str
    town_id: int
    town: str
    func: str  # "module:function"
    args: tuple
    trigger: object
    rule: str  # for people: 每周一 09:00（休息日跳过）
    enabled: bool
    room: str | None


def town_jobs(plan: TownPlan, settings: Settings) -> list[JobSpec]:
    """One town's four jobs (enabled or not), with their triggers and rules in words."""
    tz = settings.timezone
    weekday = texts.say(f"weekdays.{plan.reminder_day}")
    specs = [
        JobSpec(
            id=f"{JOB_PREFIX}reminder:{plan.town_id}",
            kind="reminder",
            town_id=plan.town_id,
            town=plan.town,
            func="bot.scheduler.jobs:reminder_job",
            args=(plan.town_id,),
            trigger=WorkdayCronTrigger(
                day_of_week=plan.reminder_day,
                hour=plan.reminder_time.hour,
                minute=plan.reminder_time.minute,
                timezone=tz,
            ),
            rule=texts.say(
                "rules.reminder", weekday=weekday, time=plan.reminder_time.strftime("%H:%M")
            ),
            enabled=plan.reminder_enabled,
            room=plan.room,
        ),
        JobSpec(
            id=f"{JOB_PREFIX}digest:{plan.town_id}",
            kind="digest",
            town_id=plan.town_id,
            town=plan.town,
            func="bot.scheduler.jobs:digest_job",
            args=(plan.town_id,),
            trigger=FirstWorkdayTrigger(
                hour=plan.digest_time.hour, minute=plan.digest_time.minute, timezone=tz
            ),
            rule=texts.say("rules.digest", time=plan.digest_time.strftime("%H:%M")),
            enabled=plan.digest_enabled,
            room=plan.supervisor_room,
        ),
    ]
    from apscheduler.triggers.cron import CronTrigger

    for stage, (month, day) in (
        ("draft_compiled", plan.compiled_date),
        ("draft_final", plan.final_date),
    ):
        specs.append(
            JobSpec(
                id=f"{JOB_PREFIX}{stage}:{plan.town_id}",
                kind=stage,
                town_id=plan.town_id,
                town=plan.town,
                func="bot.scheduler.jobs:draft_job",
                args=(plan.town_id, stage),
                trigger=CronTrigger(
                    month=month,
                    day=day,
                    hour=plan.draft_time.hour,
                    minute=plan.draft_time.minute,
                    timezone=tz,
                ),
                rule=texts.say(
                    f"rules.{stage}",
                    date=texts.say("date", month=month, day=day),
                    time=plan.draft_time.strftime("%H:%M"),
                ),
                enabled=plan.drafts_enabled,
                room=plan.supervisor_room,
            )
        )
    return specs


def desired_jobs(
    session: Session, settings: Settings, channel: str | None = "wechaty", *, enabled_only=True
) -> list[JobSpec]:
    """Every town's jobs, as the settings and the stored overrides describe them."""
    specs = [s for plan in all_plans(session, settings, channel) for s in town_jobs(plan, settings)]
    return [s for s in specs if s.enabled] if enabled_only else specs


def stored_next_runs(session: Session, zone: ZoneInfo) -> dict[str, datetime | None]:
    """job id -> next run, read straight from APScheduler's table (no scheduler needed)."""
    from bot.storage.schedule import stored_job_runs

    rows = stored_job_runs(session)
    return {
        job_id: (datetime.fromtimestamp(ts, zone) if ts is not None else None)
        for job_id, ts in rows
    }
