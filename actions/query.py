"""query_progress: totals by section and period for the sender's town, or the sections
with no record yet — always through bot.storage.aggregate, never another town's data."""

from __future__ import annotations

from collections import defaultdict

from actions import replies
from actions.base import ActionContext, ActionOutcome
from bot.storage import aggregate
from bot.storage.models import MessageStatus
from nlu.result import Query


def figure(total: aggregate.Total, today) -> str:
    if total.is_rate:
        return replies.text(
            "query.rate_figure",
            activity=total.activity,
            value=total.text,
            date=replies.day(total.as_of, today),
        )
    return replies.text("query.figure", activity=total.activity, value=total.text)


def totals_table(ctx: ActionContext, query: Query, start, end, labels: dict) -> str:
    """A header line, one line per section with its figures, and a record count."""
    figures = aggregate.totals(ctx.session, ctx.town.id, start, end, section=query.section)
    if not figures:
        what = (
            replies.section_title(query.section)
            if query.section
            else replies.text("query.all_sections")
        )
        return replies.text("query.empty", what=what, **labels)
    by_section: dict[str, list[aggregate.Total]] = defaultdict(list)
    for total in figures:
        by_section[total.section].append(total)
    separator = replies.text("query.figure_separator")
    lines = [replies.text("query.header", **labels)]
    records = 0
    for section, section_figures in by_section.items():
        count = sum(t.records for t in section_figures)
        records += count
        lines.append(
            replies.text(
                "query.section_line",
                title=replies.section_title(section),
                records=count,
                figures=separator.join(figure(t, ctx.today) for t in section_figures),
            )
        )
    if len(by_section) > 1:
        lines.append(replies.text("query.footer", records=records))
    return "\n".join(lines)


def uncovered_text(ctx: ActionContext, start, end, labels: dict) -> str:
    missing = aggregate.uncovered_sections(ctx.session, ctx.town.id, start, end)
    if not missing:
        return replies.text("query.all_covered", **labels)
    titles = replies.join([replies.section_title(s) for s in missing])
    return replies.text("query.uncovered", count=len(missing), titles=titles, **labels)


def run(ctx: ActionContext) -> ActionOutcome:
    query = ctx.result.query or Query()
    period = query.period or "year"
    start, end = aggregate.period_range(period, ctx.today)
    labels = {
        "town": ctx.town.name,
        "period": replies.text(f"query.periods.{period}"),
        "start": replies.day(start, ctx.today),
        "end": replies.day(min(end, ctx.today), ctx.today),
    }
    if query.uncovered:
        reply = uncovered_text(ctx, start, end, labels)
    else:
        reply = totals_table(ctx, query, start, end, labels)
    return ActionOutcome(MessageStatus.ANSWERED, [reply])
