"""request_report: answer at once, compile the year's draft off the message path, send the file.

The action only decides which year is meant; the report (and its figures, the same
aggregation as chat summaries) is built by bot.reports.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session

from actions import replies
from actions.base import ActionContext, ActionOutcome
from bot.storage import aggregate
from bot.storage.models import MessageStatus, Town
from taizhang.settings import Settings

log = logging.getLogger(__name__)

_YEAR = re.compile(r"(20\d\d)\s*年")
_LAST_YEAR = ("去年", "上一年", "上年度", "上一年度")
_THIS_YEAR = ("今年", "本年", "本年度", "全年")
# Annual reports go up in the first quarter, for the year before.
REPORT_SEASON_LAST_MONTH = 3


def requested_year(text: str, today) -> int:
    """An explicit year, else 去年/今年, else last year in Jan–Mar and this year after."""
    found = _YEAR.search(text)
    if found:
        return int(found.group(1))
    if any(word in text for word in _LAST_YEAR):
        return today.year - 1
    if any(word in text for word in _THIS_YEAR):
        return today.year
    return today.year - 1 if today.month <= REPORT_SEASON_LAST_MONTH else today.year


def run(ctx: ActionContext) -> ActionOutcome:
    """Say "正在生成…" at once; the draft is compiled off the message path (`render`)."""
    if ctx.person.role == "staff":  # supervisors and admins ask for the draft
        return ActionOutcome(MessageStatus.ANSWERED, [replies.text("report.staff_only")])
    year = requested_year(ctx.result.text, ctx.today)
    start, end = date(year, 1, 1), date(year, 12, 31)
    past = year <= ctx.today.year  # a year ahead is refused by build_report, with its reason
    if past and not aggregate.records_per_section(ctx.session, ctx.town.id, start, end):
        empty = replies.text("report.no_records", town=ctx.town.name, year=year)
        return ActionOutcome(MessageStatus.ANSWERED, [empty])
    work = partial(render, settings=ctx.settings, town_id=ctx.town.id, year=year, as_of=ctx.today)
    return ActionOutcome(
        MessageStatus.ANSWERED, [replies.text("report.rendering", year=year)], later=[work]
    )


def render(
    session: Session, *, settings: Settings, town_id: int, year: int, as_of: date
) -> ActionOutcome:
    """Compile the draft for the town and send it back as a file (in a worker thread)."""
    from bot.reports import ReportError, build_report

    town = session.get(Town, town_id)
    try:
        path = build_report(session=session, settings=settings, town=town, year=year, as_of=as_of)
    except ReportError as refused:  # e.g. a year that has not begun: say why, in Chinese
        return ActionOutcome(MessageStatus.ANSWERED, [str(refused)])
    except Exception:  # logged with its trace; the group is told it failed
        log.exception("report build failed", extra={"town_id": town_id, "year": year})
        return ActionOutcome(MessageStatus.ANSWERED, [replies.text("report.failed")])
    return ActionOutcome(
        MessageStatus.ANSWERED, [replies.text("report.ready", year=year)], files=[Path(path)]
    )
