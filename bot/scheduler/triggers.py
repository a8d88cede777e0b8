"""APScheduler triggers that know the Chinese working calendar.

They are stored (pickled) in the job store, so they stay small and top-level: a weekly
trigger that skips days off, and a monthly one for the first working day. With them,
`taizhang jobs` shows the real next run (not a Monday that is a holiday).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.util import astimezone

from bot.scheduler.workdays import first_workday_of_month, is_workday

_MAX_SKIPS = 60  # a year of weekly fire times is far more than any holiday run


class WorkdayCronTrigger(BaseTrigger):
    """A cron schedule whose fire times on days off are skipped."""

    def __init__(self, *, day_of_week: str, hour: int, minute: int, timezone: str) -> None:
        self.day_of_week = day_of_week
        self.hour = hour
        self.minute = minute
        self.cron = CronTrigger(
            day_of_week=day_of_week, hour=hour, minute=minute, timezone=timezone
        )

    def get_next_fire_time(self, previous_fire_time, now):
        for _ in range(_MAX_SKIPS):
            fire = self.cron.get_next_fire_time(previous_fire_time, now)
            if fire is None or is_workday(fire.date()):
                return fire
            previous_fire_time, now = fire, fire + timedelta(microseconds=1)
        return None

    def __str__(self) -> str:
        return f"workday-cron[{self.day_of_week} {self.hour:02d}:{self.minute:02d}]"

    def __repr__(self) -> str:
        return f"<WorkdayCronTrigger {self}>"


class FirstWorkdayTrigger(BaseTrigger):
    """The first working day of every month at hour:minute (a 调休 Saturday counts)."""

    def __init__(self, *, hour: int, minute: int, timezone: str) -> None:
        self.hour = hour
        self.minute = minute
        self.timezone = astimezone(timezone)

    def _fire_in(self, year: int, month: int) -> datetime:
        day = first_workday_of_month(datetime(year, month, 1).date())
        naive = datetime(day.year, day.month, day.day, self.hour, self.minute)
        localize = getattr(self.timezone, "localize", None)  # pytz
        return localize(naive) if localize else naive.replace(tzinfo=self.timezone)

    def get_next_fire_time(self, previous_fire_time, now):
        start = now
        if previous_fire_time is not None and previous_fire_time >= now:
            start = previous_fire_time + timedelta(microseconds=1)
        local = start.astimezone(self.timezone)
        year, month = local.year, local.month
        for _ in range(3):
            fire = self._fire_in(year, month)
            if fire >= start and (previous_fire_time is None or fire > previous_fire_time):
                return fire
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None

    def __str__(self) -> str:
        return f"first-workday[{self.hour:02d}:{self.minute:02d}]"

    def __repr__(self) -> str:
        return f"<FirstWorkdayTrigger {self}>"
