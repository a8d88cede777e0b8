"""Which days are working days in mainland China: statutory holidays and 调休 swaps.

`chinese_calendar` carries the State Council's schedule for the years it knows; data/
holidays.yml adds (or corrects) years it does not know yet. Reminders skip days off, and
the monthly digest goes out on the first working day — which may be a 调休 Saturday.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from taizhang.resources import data_file

log = logging.getLogger(__name__)

HOLIDAYS_FILE = data_file("holidays.yml")
_warned_years: set[int] = set()


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@lru_cache(maxsize=4)
def load_overrides(path: Path = HOLIDAYS_FILE) -> dict[int, tuple[frozenset, frozenset]]:
    """year -> (holidays, workdays) from the data file; a broken file counts as empty."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        log.warning("holiday overrides unreadable (%s): %s", path, error)
        return {}
    result = {}
    for year, spec in (data.get("years") or {}).items():
        spec = spec or {}
        try:
            holidays = frozenset(_as_date(d) for d in spec.get("holidays") or ())
            workdays = frozenset(_as_date(d) for d in spec.get("workdays") or ())
        except ValueError as error:
            log.warning("holiday overrides for %s ignored: %s", year, error)
            continue
        result[int(year)] = (holidays, workdays)
    return result


def is_workday(day: date, overrides: dict | None = None) -> bool:
    """True on an official working day (a 调休 weekend day included)."""
    overrides = load_overrides() if overrides is None else overrides
    if day.year in overrides:
        holidays, workdays = overrides[day.year]
        return day in workdays or (day.weekday() < 5 and day not in holidays)
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            log.warning(
                "no holiday calendar for %s: treating Monday-Friday as workdays "
                "(add the year to data/holidays.yml)",
                day.year,
            )
        return day.weekday() < 5


def first_workday_of_month(day: date, overrides: dict | None = None) -> date:
    """The first working day of `day`'s month (within the month; the 1st if none is found)."""
    first = day.replace(day=1)
    for offset in range(31):
        candidate = first + timedelta(days=offset)
        if candidate.month != first.month:
            break
        if is_workday(candidate, overrides):
            return candidate
    return first
