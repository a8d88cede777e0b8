"""query_progress: the answer to the question asked, for the sender's town only.

One figure asked ("10月份调解了几件", "调解成功率多少") gets one line; a person's records
("张敏这个月报了几条", "我这个月报了哪些"), a place ("白岩村今年搞了几场普法"), a section or
the whole ledger get a compact list of at most MAX_LINES lines, the rest as an attached
spreadsheet. Every figure comes from bot.storage.aggregate, like the report's.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session

from actions import replies
from actions.base import ActionContext, ActionOutcome
from actions.question import Question, read_question
from bot.paths import safe_file_stem
from bot.storage import aggregate
from bot.storage.models import MessageStatus, Town

log = logging.getLogger(__name__)

# A group chat answer is at most this many lines; the rest goes into a file.
MAX_LINES = 10


def figure(total: aggregate.Total, today) -> str:
    if total.is_rate:
        return replies.text(
            "query.rate_figure",
            activity=total.activity,
            value=total.text,
            date=replies.day(total.as_of, today),
        )
    return replies.text("query.figure", activity=total.activity, value=total.text)


def _labels(ctx: ActionContext, question: Question) -> dict:
    period = question.period
    who = ctx.town.name
    if question.person is not None:
        who = (
            replies.text("query.you")
            if question.person.id == ctx.person.id
            else question.person.display_name
        )
    start = replies.day(period.start, ctx.today)
    end = replies.day(min(period.end, max(ctx.today, period.start)), ctx.today)
    return {
        "town": ctx.town.name,
        "who": who,
        "place": question.place or "",
        "period": period.label,
        "start": start,
        "end": end,
        "span": start if start == end else replies.text("query.span", start=start, end=end),
    }


def _narrowing(question: Question) -> aggregate.Narrowing:
    return aggregate.Narrowing(
        activity=question.activity,
        person_id=question.person.id if question.person is not None else None,
        place=question.place,
    )


def _figures(
    ctx: ActionContext, question: Question, only: aggregate.Narrowing | None = None
) -> list[aggregate.Total]:
    """The figures of the question's period and section, narrowed as asked (or by `only`)."""
    period = question.period
    return aggregate.totals(
        ctx.session,
        ctx.town.id,
        period.start,
        period.end,
        section=question.section,
        only=only or _narrowing(question),
    )


def _what(question: Question) -> str:
    if question.activity:
        return question.activity
    if question.section:
        return replies.section_title(question.section)
    return replies.text("query.all_sections")


def _empty(question: Question, labels: dict) -> str:
    return replies.text("query.empty", what=_what(question), **labels)


def one_figure(ctx: ActionContext, question: Question, labels: dict) -> str | None:
    """'青石镇10月调解矛盾纠纷3件（…，2条记录）', or None when the asked activity has no
    figure and the section's figures in the asked unit should answer instead."""
    figures = _figures(ctx, question)
    if question.unit:
        figures = [t for t in figures if t.unit == question.unit or t.is_rate] or figures
    if not figures:
        return None
    records = sum(t.records for t in figures)
    values = replies.join(
        [figure(t, ctx.today) if t.is_rate or len(figures) > 1 else t.text for t in figures]
    )
    key = "query.one_rate" if all(t.is_rate for t in figures) else "query.one_figure"
    return replies.text(key, what=question.activity, figures=values, records=records, **labels)


def unit_figure(ctx: ActionContext, question: Question, labels: dict) -> str:
    """The section's figures in the unit asked ("今年搞了几场普法" when the activity named is
    not the one recorded)."""
    narrowing = _narrowing(question)
    any_activity = aggregate.Narrowing(person_id=narrowing.person_id, place=narrowing.place)
    figures = [
        t
        for t in _figures(ctx, question, any_activity)
        if t.unit == question.unit and not t.is_rate
    ]
    if not figures:
        return _empty(question, labels)
    return replies.text(
        "query.one_figure",
        what=replies.section_title(question.section) if question.section else "",
        figures=replies.join([figure(t, ctx.today) for t in figures]),
        records=sum(t.records for t in figures),
        **labels,
    )


def section_lines(ctx: ActionContext, question: Question) -> tuple[list[str], int]:
    """One line per section with its figures; returns the lines and the record count."""
    figures = _figures(ctx, question)
    by_section: dict[str, list[aggregate.Total]] = defaultdict(list)
    for total in figures:
        by_section[total.section].append(total)
    separator = replies.text("query.figure_separator")
    lines, records = [], 0
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
    return lines, records


def totals_table(ctx: ActionContext, question: Question, labels: dict) -> ActionOutcome:
    """A header, at most MAX_LINES - 2 section lines, a footer; the rest in a file."""
    lines, records = section_lines(ctx, question)
    if not lines:
        return _answer(_empty(question, labels))
    header = "header_person" if question.person is not None else "header"
    shown = [replies.text(f"query.{header}", **labels)]
    files: list[Path] = []
    room = MAX_LINES - 2
    if len(lines) > room:
        shown += lines[: room - 1]
        shown.append(replies.text("query.more_sections", count=len(lines) - (room - 1)))
        files.append(records_file(ctx, question))
    else:
        shown += lines
    if len(lines) > 1:
        shown.append(replies.text("query.footer", records=records))
    return _answer("\n".join(shown), files)


def record_list(ctx: ActionContext, question: Question, labels: dict) -> ActionOutcome:
    """'张敏本月报了5条记录：' and one line per record (dated), at most MAX_LINES lines."""
    rows = _records(ctx, question)
    if not rows:
        return _answer(replies.text("query.person_none", **labels))
    if question.counts_records and not question.wants_list:
        return _answer(person_count(ctx, question, labels, len(rows)))
    lines = [replies.text("query.person_header", records=len(rows), **labels)]
    room = MAX_LINES - 1
    shown = rows if len(rows) <= room else rows[: room - 1]
    for row in shown:
        place = replies.text("query.record_place", place=row.place) if row.place else ""
        lines.append(
            replies.text(
                "query.record_line",
                date=replies.day(row.date, ctx.today),
                activity=row.activity,
                value=row.value_text,
                place=place,
            )
        )
    files = []
    if len(shown) < len(rows):
        lines.append(replies.text("query.more_records", count=len(rows) - len(shown)))
        files.append(records_file(ctx, question))
    return _answer("\n".join(lines), files)


def person_count(ctx: ActionContext, question: Question, labels: dict, count: int) -> str:
    figures = _figures(ctx, question)
    shown = replies.join([figure(t, ctx.today) for t in figures[:6]])
    more = replies.text("query.and_more") if len(figures) > 6 else ""
    return replies.text("query.person_count", records=count, figures=shown + more, **labels)


def _records(ctx: ActionContext, question: Question) -> list[aggregate.Highlight]:
    period = question.period
    found = aggregate.highlights(
        ctx.session,
        ctx.town.id,
        period.start,
        period.end,
        section=question.section,
        per_section=None,
        only=_narrowing(question),
    )
    rows = [row for section_rows in found.values() for row in section_rows]
    return sorted(rows, key=lambda r: (r.date, r.sent_at, r.fact_id))


def records_file(ctx: ActionContext, question: Question) -> Path:
    """Every record behind the answer as a spreadsheet in the data directory."""
    from bot.storage.export import fact_rows, write_xlsx

    ids = {row.fact_id for row in _records(ctx, question)}
    period = question.period
    rows = []
    for year in range(period.start.year, period.end.year + 1):
        rows += fact_rows(
            ctx.session,
            year,
            town_id=ctx.town.id,
            section_titles=replies.section_titles(),
            timezone=ctx.settings.timezone,
        )
    folder = ctx.settings.data_dir / "answers"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    name = replies.text(
        "query.file_name",
        town=ctx.town.name,
        start=period.start.strftime("%Y%m%d"),
        end=period.end.strftime("%Y%m%d"),
    )
    path = folder / f"{safe_file_stem(name)}-{stamp}-{ctx.message.id}.xlsx"
    write_xlsx([row for row in rows if row.fact_id in ids], path)
    return path


def uncovered_text(ctx: ActionContext, question: Question, labels: dict) -> str:
    period = question.period
    missing = aggregate.uncovered_sections(ctx.session, ctx.town.id, period.start, period.end)
    if not missing:
        return replies.text("query.all_covered", **labels)
    titles = replies.join([replies.section_title(s) for s in missing])
    return replies.text("query.uncovered", count=len(missing), titles=titles, **labels)


def _answer(text: str, files: list[Path] | None = None) -> ActionOutcome:
    return ActionOutcome(MessageStatus.ANSWERED, [text], files=files or [])


def answer(ctx: ActionContext, question: Question) -> ActionOutcome:
    """Pick the shortest answer that fits what was asked."""
    labels = _labels(ctx, question)
    if question.unknown_person:  # never the town's figures under a name nobody has
        return _answer(replies.text("query.unknown_person", name=question.unknown_person, **labels))
    if question.uncovered:
        return _answer(uncovered_text(ctx, question, labels))
    if question.person is not None and (question.counts_records or question.wants_list):
        return record_list(ctx, question, labels)
    if question.activity is not None:
        one = one_figure(ctx, question, labels)
        if one is not None:
            return _answer(one)
        if question.unit:
            return _answer(unit_figure(ctx, question, labels))
        return _answer(_empty(question, labels))
    if question.unit and question.asks_figure:
        return _answer(unit_figure(ctx, question, labels))
    if question.counts_records:
        count = len(_records(ctx, question))
        return _answer(replies.text("query.record_count", records=count, **labels))
    outcome = totals_table(ctx, question, labels)
    if is_overview(question):  # "看看进度": the picture follows the text, off the message path
        year = min(question.period.end, ctx.today).year
        outcome.later.append(partial(picture_work, town_id=ctx.town.id, year=year, as_of=ctx.today))
    return outcome


def is_overview(question: Question) -> bool:
    """The whole town's progress, not one section, activity, person or place."""
    narrowed = (question.section, question.activity, question.person, question.place)
    return all(item is None for item in narrowed) and question.unit is None


def picture_work(session: Session, *, town_id: int, year: int, as_of: date) -> ActionOutcome:
    """The town's progress picture (bot.reports.picture), run after the text is answered."""
    from bot.reports.picture import progress_picture

    town = session.get(Town, town_id)
    try:
        picture = progress_picture(session, town.id, town.name, year, as_of)
    except Exception:  # the text answer is already out; the picture is missing, and logged
        log.exception("progress picture failed", extra={"town_id": town_id, "year": year})
        return ActionOutcome(MessageStatus.ANSWERED)
    return ActionOutcome(MessageStatus.ANSWERED, pictures=[picture])


def run(ctx: ActionContext) -> ActionOutcome:
    question = read_question(
        ctx.session,
        ctx.result.text,
        ctx.result.query,
        ctx.today,
        town=ctx.town,
        asker=ctx.person,
    )
    return answer(ctx, question)
