"""What each scheduled job says at a given moment — pure functions of (ledger, now).

`plan_*` decide and compose without side effects (so `taizhang remind --dry-run` prints
exactly what the job would send); `deliver` is the job body: plan, hand the Reply to the
sender, remember what was sent. Every figure comes from bot.storage.aggregate, so a
reminder or a digest never disagrees with a chat answer or the report.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.message import Picture, Reply
from bot.paths import inside, safe_file_stem
from bot.scheduler import texts
from bot.scheduler.config import TownPlan, owner_ids, owners_by_section, town_plan
from bot.scheduler.workdays import first_workday_of_month, is_workday
from bot.settings import Settings
from bot.storage.aggregate import (
    SECTION_IDS,
    Total,
    period_range,
    records_per_section,
    totals,
    uncovered_sections,
)
from bot.storage.models import Town, utcnow
from bot.storage.schedule_models import DeliveryClaim, ScheduleState
from bot.storage.units import display

log = logging.getLogger(__name__)

# (conversation id, reply): the run wiring gives the Wechaty channel's send, or a printer.
Sender = Callable[[str, Reply], None]


@dataclass(frozen=True)
class Delivery:
    """A job's decision: a Reply for a room, or why nothing is sent (`skipped`)."""

    kind: str
    town_id: int
    town: str
    now: datetime
    room: str | None = None
    reply: Reply | None = None
    key: str | None = None  # the period it covers (digest "2024-10", draft "2024")
    skipped: str | None = None  # a key of data/scheduler.yml `skipped`
    reason: str | None = None  # that reason in words

    @property
    def sends(self) -> bool:
        return self.reply is not None and self.skipped is None


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def local_now(now: datetime, settings: Settings) -> datetime:
    """`now` in the bot's timezone (a naive value is taken as already local)."""
    zone = ZoneInfo(settings.timezone)
    return now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)


def _state(session: Session, town_id: int, kind: str) -> ScheduleState | None:
    return session.get(ScheduleState, (town_id, kind))


def _skip(delivery: Delivery, reason: str, **values) -> Delivery:
    return replace(
        delivery,
        skipped=reason,
        reason=texts.say(f"skipped.{reason}", town=delivery.town, **values),
    )


# ---- coverage reminder --------------------------------------------------------------


def reminder_text(
    quarter: tuple[date, date],
    quarter_gaps: list[str],
    year_gaps: list[str],
    owners: dict[str, list[str]],
) -> str:
    """The reminder: quarter gaps, then (from October) the sections empty all year."""

    def line(section: str) -> str:
        names = owners.get(section) or []
        title = texts.section_title(section)
        if not names:
            return texts.say("reminder.line", title=title)
        mentions = texts.say("mention_separator").join(
            texts.say("mention", name=name) for name in names
        )
        return texts.say("reminder.line_owners", title=title, owners=mentions)

    lines: list[str] = []
    if quarter_gaps:
        lines.append(
            texts.say(
                "reminder.header",
                period=texts.say("periods.quarter"),
                start=texts.day(quarter[0]),
                end=texts.day(quarter[1]),
            )
        )
        lines.extend(line(s) for s in quarter_gaps)
    if year_gaps:
        lines.append(texts.say("reminder.year_header"))
        lines.extend(line(s) for s in year_gaps)
    lines.append(texts.say("reminder.footer"))
    return "\n".join(lines)


def plan_reminder(
    session: Session,
    settings: Settings,
    town_id: int,
    now: datetime,
    *,
    channel: str | None = "wechaty",
    plan: TownPlan | None = None,
) -> Delivery:
    """The coverage reminder the job would send at `now` (or why it would say nothing)."""
    now = local_now(now, settings)
    today = now.date()
    town = session.get(Town, town_id)
    plan = plan or town_plan(session, settings, town, channel)
    delivery = Delivery("reminder", town_id, town.name, now, room=plan.room)
    if not plan.reminder_enabled:
        return _skip(delivery, "disabled")
    if not is_workday(today):
        return _skip(delivery, "day_off", date=texts.day(today))
    quarter = period_range("quarter", today)
    in_grace = (today - quarter[0]).days < settings.reminder_quarter_grace_days
    # Only what was recorded by `now` counts: a reminder planned for a past moment must not
    # see records dated after it.
    year_gaps: list[str] = []
    if today.month >= 10:
        year_gaps = uncovered_sections(session, town_id, date(today.year, 1, 1), today)
    quarter_gaps = []
    if not in_grace:
        quarter_gaps = [
            s for s in uncovered_sections(session, town_id, quarter[0], today) if s not in year_gaps
        ]
    if not quarter_gaps and not year_gaps:
        return _skip(delivery, "all_covered")
    text = reminder_text(quarter, quarter_gaps, year_gaps, owners_by_section(session, town_id))
    notify = owner_ids(session, town_id, quarter_gaps + year_gaps, channel) if channel else ()
    delivery = replace(delivery, reply=Reply(text, notify=notify), key=today.isoformat())
    state = _state(session, town_id, "reminder")
    if state is not None and state.last_hash == text_hash(text):
        return _skip(delivery, "unchanged")
    if plan.room is None:
        return _skip(delivery, "no_room")
    return delivery


# ---- monthly digest -----------------------------------------------------------------


def _figures(items: list[Total]) -> str:
    parts = []
    for total in items:
        if total.is_rate:
            parts.append(texts.say("digest.rate", activity=total.activity or "", value=total.text))
        else:
            parts.append(display(total.value, total.unit))
    return texts.say("digest.figure_separator").join(parts)


def _by_section(items: list[Total]) -> dict[str, list[Total]]:
    result: dict[str, list[Total]] = {}
    for total in items:
        result.setdefault(total.section, []).append(total)
    return result


def digest_text(session: Session, town: Town, month_start: date, month_end: date) -> str:
    """Last month's and the year's totals (to the end of last month) by section."""
    year_start = date(month_start.year, 1, 1)
    month = _by_section(totals(session, town.id, month_start, month_end, by_activity=False))
    year = _by_section(totals(session, town.id, year_start, month_end, by_activity=False))
    nothing = texts.say("digest.nothing")
    lines = [
        texts.say(
            "digest.header",
            town=town.name,
            month=month_start.month,
            year=month_start.year,
            end=texts.day(month_end),
        )
    ]
    for section in SECTION_IDS:
        if section not in year:
            continue
        lines.append(
            texts.say(
                "digest.line",
                title=texts.section_title(section),
                month_label=texts.say("digest.month_label", month=month_start.month),
                month_figures=_figures(month.get(section, [])) or nothing,
                year_figures=_figures(year[section]),
            )
        )
    month_records = sum(t.records for items in month.values() for t in items)
    year_records = sum(t.records for items in year.values() for t in items)
    lines.append(
        texts.say(
            "digest.footer",
            month=month_start.month,
            year=month_start.year,
            month_records=month_records,
            year_records=year_records,
        )
    )
    gaps = [s for s in SECTION_IDS if s not in year]
    if gaps:
        lines.append(
            texts.say(
                "digest.uncovered",
                year=month_start.year,
                titles=texts.join([texts.section_title(s) for s in gaps]),
            )
        )
    else:
        lines.append(texts.say("digest.all_covered", year=month_start.year))
    return "\n".join(lines)


def plan_digest(
    session: Session,
    settings: Settings,
    town_id: int,
    now: datetime,
    *,
    channel: str | None = "wechaty",
    plan: TownPlan | None = None,
    build: bool = True,
) -> Delivery:
    """The digest of last month, due on the month's first workday (or the next workday
    after it if the bot was down then), sent once per month; with `build`, the progress
    picture of the year to the end of last month goes with it."""
    now = local_now(now, settings)
    today = now.date()
    town = session.get(Town, town_id)
    plan = plan or town_plan(session, settings, town, channel)
    key = f"{today.year}-{today.month:02d}"
    delivery = Delivery("digest", town_id, town.name, now, room=plan.supervisor_room, key=key)
    if not plan.digest_enabled:
        return _skip(delivery, "disabled")
    due = first_workday_of_month(today)
    if today < due:
        return _skip(delivery, "not_due", date=texts.day(due))
    if not is_workday(today):
        return _skip(delivery, "day_off", date=texts.day(today))
    state = _state(session, town_id, "digest")
    if state is not None and state.last_key == key:
        return _skip(delivery, "already_sent")
    month_end = today.replace(day=1) - timedelta(days=1)
    text = digest_text(session, town, month_end.replace(day=1), month_end)
    delivery = replace(delivery, reply=Reply(text))
    if plan.supervisor_room is None:
        return _skip(delivery, "no_room")
    if build:
        picture = digest_picture(session, town, month_end)
        delivery = replace(delivery, reply=Reply(text, picture=picture))
    return delivery


def digest_picture(session: Session, town: Town, month_end: date) -> Picture | None:
    """The year's progress picture to `month_end` (None, logged, if it cannot be drawn:
    the digest's text still goes out)."""
    from bot.reports.picture import progress_picture

    try:
        return progress_picture(session, town.id, town.name, month_end.year, month_end)
    except Exception:
        log.exception("digest picture failed", extra={"town_id": town.id})
        return None


# ---- year-end drafts ----------------------------------------------------------------


def draft_year(stage: str, today: date) -> int:
    """draft_compiled covers the current year; draft_final (January) the previous one."""
    return today.year if stage == "draft_compiled" else today.year - 1


def plan_draft(
    session: Session,
    settings: Settings,
    town_id: int,
    now: datetime,
    stage: str,
    *,
    channel: str | None = "wechaty",
    plan: TownPlan | None = None,
    build: bool = True,
) -> Delivery:
    """The year-end draft (.docx, through bot.reports.build_report) for the supervisors."""
    now = local_now(now, settings)
    today = now.date()
    town = session.get(Town, town_id)
    plan = plan or town_plan(session, settings, town, channel)
    year = draft_year(stage, today)
    delivery = Delivery(stage, town_id, town.name, now, room=plan.supervisor_room, key=str(year))
    if not plan.drafts_enabled:
        return _skip(delivery, "disabled")
    state = _state(session, town_id, stage)
    if state is not None and state.last_key == str(year):
        return _skip(delivery, "already_sent")
    if plan.supervisor_room is None:
        return _skip(delivery, "no_room")
    if not records_per_section(session, town_id, date(year, 1, 1), date(year, 12, 31)):
        return _skip(delivery, "no_records", year=year)  # an empty draft helps no one
    month, day_ = plan.final_date
    text = texts.say(
        f"draft.{'compiled' if stage == 'draft_compiled' else 'final'}",
        town=town.name,
        year=year,
        date=texts.day(today),
        final_date=texts.say("date", month=month, day=day_),
    )
    path: Path | None = None
    if build:  # bot.reports' own steps (as build_report), into a folder per sending day
        from bot.reports import FORMATS, draft, write

        report = draft(session, town, year, as_of=today, settings=settings)
        folder = Path(settings.data_dir) / "reports" / "scheduled" / today.isoformat()
        name = safe_file_stem(report.title, "report") + FORMATS["docx"]
        path = write(report, "docx", inside(folder, name))
    return replace(delivery, reply=Reply(text, file=path))


# ---- the job body -------------------------------------------------------------------


def plan(
    session: Session,
    settings: Settings,
    kind: str,
    town_id: int,
    now: datetime,
    *,
    channel: str | None = "wechaty",
    build: bool = True,
) -> Delivery:
    if kind == "reminder":
        return plan_reminder(session, settings, town_id, now, channel=channel)
    if kind == "digest":
        return plan_digest(session, settings, town_id, now, channel=channel, build=build)
    if kind in ("draft_compiled", "draft_final"):
        return plan_draft(session, settings, town_id, now, kind, channel=channel, build=build)
    raise ValueError(f"unknown job kind {kind!r}")


def record(session: Session, delivery: Delivery) -> None:
    """Remember what was sent (or that a reminder had nothing to say). Callers commit."""
    if delivery.kind == "reminder" and delivery.skipped == "all_covered":
        state = _state(session, delivery.town_id, "reminder")
        if state is not None:
            state.last_hash = None  # a later gap is news again, even if worded as before
        return
    if not delivery.sends:
        return
    state = _state(session, delivery.town_id, delivery.kind)
    if state is None:
        state = ScheduleState(town_id=delivery.town_id, kind=delivery.kind)
        session.add(state)
    state.last_hash = text_hash(delivery.reply.text)
    state.last_key = delivery.key
    state.last_sent_at = utcnow()


def claim_key(delivery: Delivery) -> str:
    """What makes one job message unique: its kind, town and the period (or day) it covers."""
    period = delivery.key or delivery.now.date().isoformat()
    return f"{delivery.kind}:{delivery.town_id}:{period}"


def claim(session_factory, delivery: Delivery) -> bool:
    """Record, in its own committed transaction, that `delivery` is about to go out; False
    when another process already did (the unique key is the fence between two leaders)."""
    with session_factory() as session:
        session.add(
            DeliveryClaim(key=claim_key(delivery), town_id=delivery.town_id, kind=delivery.kind)
        )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
    return True


def deliver(
    session_factory,
    settings: Settings,
    sender: Sender,
    kind: str,
    town_id: int,
    now: datetime,
    *,
    channel: str | None = "wechaty",
    still_leader: Callable[[], bool] | None = None,
) -> Delivery:
    """Plan, send, record — the one path every scheduled job takes.

    Right before sending, the process checks that it still holds the leadership
    (`still_leader`) and claims the delivery's unique key: a leader that lost its lock
    sends nothing, and two leaders never send the same message twice."""
    with session_factory() as session:
        if session.get(Town, town_id) is None:
            log.info("scheduler: town %s no longer exists; %s skipped", town_id, kind)
            return Delivery(kind, town_id, "", local_now(now, settings), skipped="no_town")
        delivery = plan(session, settings, kind, town_id, now, channel=channel)
        if delivery.sends and still_leader is not None and not still_leader():
            log.warning("scheduler: %s for %s not sent: leadership lost", kind, delivery.town)
            return _skip(delivery, "not_leader")
        if delivery.sends and not claim(session_factory, delivery):
            log.warning("scheduler: %s for %s already sent elsewhere", kind, delivery.town)
            return _skip(delivery, "already_sent")
        if delivery.sends:
            sender(delivery.room, delivery.reply)
            log.info("scheduler: %s sent to %s for %s", kind, delivery.room, delivery.town)
        else:
            log.info("scheduler: %s for %s not sent: %s", kind, delivery.town, delivery.skipped)
        record(session, delivery)
        session.commit()
    return delivery
