"""correct_last: change or withdraw the sender's own most recent record in this room.

A correction that names a unit ("更正为4件") changes the newest of the sender's recent
records with exactly one figure in that unit, so a correction typed after a later report
in other units still reaches its record; a figure is never changed into another measure.

Only the sender's own messages are candidates (staff correct only their own facts), only in
the same room (or the same private chat), and only within the correction window, unless the
correction names the day of its record ("更正一下17号那条", "上周三报的调解应该是2起"): a clerk
finds that day's page of the ledger however old it is, and so does this step. Facts are
never deleted: the old fact is marked superseded/retracted with a link to the correcting
message, and a corrected value becomes a new active fact that points back to the old one.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from actions import replies
from actions.base import ActionContext, ActionOutcome
from actions.log import active_fact, describe, value_text, when_text
from bot.storage import messages
from bot.storage.models import Fact, FactStatus, Message, MessageStatus
from bot.storage.units import base_units, convertible, normalise, plain, to_decimal
from nlu.cues import cue
from nlu.dates import find_dates
from nlu.result import Correction
from nlu.sections import find_activities


def recent_logged_messages(ctx: ActionContext, limit: int) -> list[Message]:
    """The sender's newest messages in this room, within the window, that still have active
    facts, newest first."""
    return messages.recent_logged_messages(
        ctx.session,
        person_id=ctx.person.id,
        room_id=ctx.room.id if ctx.room is not None else None,
        before=ctx.message,
        since=ctx.message.sent_at - timedelta(minutes=ctx.settings.correction_window_minutes),
        limit=limit,
    )


def named_day(ctx: ActionContext) -> date | None:
    """The one earlier day the correction names ("17号那条", "前天那个培训", "上周三报的");
    None when it names no day, several, only a period (这周, 6月份) or today."""
    days = {
        mention.date
        for mention in find_dates(ctx.result.text or "", ctx.now)
        if not mention.weak and not mention.coarse
    }
    if len(days) != 1:
        return None
    (day,) = days
    return day if day < ctx.today else None


def records_of_day(ctx: ActionContext, day: date, limit: int) -> list[Message]:
    """The sender's records in this room sent on `day` or of work done on `day`, newest first."""
    start = datetime.combine(day, time(), tzinfo=ctx.now.tzinfo)
    return messages.logged_messages_of_day(
        ctx.session,
        person_id=ctx.person.id,
        room_id=ctx.room.id if ctx.room is not None else None,
        before=ctx.message,
        day=day,
        day_start=start,
        day_end=start + timedelta(days=1),
        limit=limit,
    )


def active_facts(ctx: ActionContext, message: Message) -> list[Fact]:
    return messages.active_facts(ctx.session, message.id)


def fits(fact: Fact, unit: str) -> bool:
    """Could "更正为N{unit}" mean this fact? The same word or the same measure (件 for 起)."""
    return fact.unit == unit or convertible(fact.unit, unit)


def retract(ctx: ActionContext, facts: list[Fact]) -> ActionOutcome:
    for fact in facts:
        fact.status = FactStatus.RETRACTED
        fact.corrected_by_message_id = ctx.message.id
    ctx.session.flush()
    items, when = describe(facts, ctx.today)
    return ActionOutcome(
        MessageStatus.RETRACTED, [replies.text("correct.retracted", items=items, when=when)]
    )


def named_sections(ctx: ActionContext) -> dict[str, str]:
    """The sections a withdrawal names by their work ("撤回调解那条" -> disputes: "调解"),
    each with the words that named it; empty when it names none ("撤回", "发错了")."""
    return {
        m.activity.section: m.raw
        for m in find_activities(ctx.result.text)
        if m.activity is not None
    }


def retract_named(
    ctx: ActionContext, records: list[Message], last: list[Fact], named: dict[str, str]
) -> ActionOutcome:
    """Withdraw the newest recent record with work of a named section, never another one."""
    for record in records:
        facts = last if record is records[0] else active_facts(ctx, record)
        if any(fact.section in named for fact in facts):
            return retract(ctx, facts)
    items, when = describe(last, ctx.today)
    reply = replies.text(
        "correct.no_named_record", what="、".join(named.values()), items=items + when
    )
    return ActionOutcome(MessageStatus.CORRECTION_UNMATCHED, [reply])


def change_value(
    ctx: ActionContext, old: Fact, new_value: float | Decimal, written_unit: str | None = None
) -> ActionOutcome:
    """Supersede `old` by a copy with the new value. The unit stays as first written (a
    synonym such as 件 for 起 keeps 起) unless the correction gives the amount on another
    scale of the same measure (0.5万元 -> 5000元)."""
    rescaled = (
        written_unit is not None
        and convertible(old.unit, written_unit)
        and base_units()[written_unit][1] != base_units()[old.unit][1]
    )
    unit = written_unit if rescaled else old.unit
    if normalise(new_value, unit) == (old.value_normalised, old.unit_normalised):
        reply = replies.text(
            "correct.unchanged",
            activity=old.activity,
            value=value_text(old),
            when=when_text([old], ctx.today),
        )
        return ActionOutcome(MessageStatus.ANSWERED, [reply])
    old.status = FactStatus.SUPERSEDED
    old.corrected_by_message_id = ctx.message.id
    new = active_fact(
        message_id=old.message_id,
        town_id=old.town_id,
        room_id=old.room_id,
        person_id=old.person_id,
        section=old.section,
        activity=old.activity,
        value=new_value,
        unit=unit,
        fact_date=old.fact_date,
        place=old.place,
        role=old.role,
        replaces_fact_id=old.id,
    )
    ctx.session.add(new)
    ctx.session.flush()
    reply = replies.text(
        "correct.changed",
        activity=old.activity,
        old=value_text(old),
        new=f"{plain(new.value)}{unit}",
        when=when_text([old], ctx.today),
    )
    return ActionOutcome(MessageStatus.CORRECTED, [reply])


def corrected_value(fact: Fact, correction: Correction) -> Decimal:
    """The figure's value after the correction: the value restated, or the old value changed
    by the delta ("少算了5条"), on the fact's own scale (0.5万元 more on a figure in 元)."""
    if correction.delta is None:
        assert correction.value is not None
        return to_decimal(correction.value)
    delta = to_decimal(correction.delta)
    unit = correction.unit
    if unit and unit != fact.unit and convertible(fact.unit, unit):
        delta = delta * to_decimal(base_units()[unit][1]) / to_decimal(base_units()[fact.unit][1])
    return to_decimal(fact.value) + delta


# Words that point at the sender's last record itself (cues.yml `names_last_record`).
_NAMES_LAST_RECORD = cue("names_last_record")
# How many of the sender's recent records a correction naming a unit looks back through.
LOOK_BACK = 10


def run(ctx: ActionContext) -> ActionOutcome:
    correction = ctx.result.correction
    day = named_day(ctx)
    records = records_of_day(ctx, day, limit=LOOK_BACK) if day is not None else []
    records = records or recent_logged_messages(ctx, limit=LOOK_BACK)
    if not records:
        hours = plain(to_decimal(ctx.settings.correction_window_minutes) / 60)
        reply = (
            replies.text("correct.nothing_on_day", day=f"{day.month}月{day.day}日", hours=hours)
            if day is not None
            else replies.text("correct.nothing", hours=hours)
        )
        return ActionOutcome(MessageStatus.CORRECTION_UNMATCHED, [reply])
    last = active_facts(ctx, records[0])
    if correction is not None and correction.retract:
        # "撤回上一条，今天研究的是安全生产" says which record; the work it names is the reason
        named = {} if _NAMES_LAST_RECORD.search(ctx.result.text or "") else named_sections(ctx)
        return retract_named(ctx, records, last, named) if named else retract(ctx, last)
    if correction is None or (correction.value is None and correction.delta is None):
        return ActionOutcome(MessageStatus.CORRECTION_UNMATCHED, [replies.text("correct.no_value")])
    unit = correction.unit
    written = correction.value if correction.delta is None else abs(correction.delta)
    # a delta is applied on the fact's own scale, so the fact keeps its unit
    scale_unit = unit if correction.delta is None else None
    if unit is None:  # "更正为4": only the last record, and only if it has one figure
        if len(last) == 1:
            return _change(ctx, last[0], correction, None)
        items, _ = describe(last, ctx.today)
        example = f"{plain(to_decimal(written))}{last[0].unit}"
        reply = replies.text("correct.which", count=len(last), items=items, example=example)
        return ActionOutcome(MessageStatus.CORRECTION_UNMATCHED, [reply])
    # "更正为4件": the newest record with a figure in 件 (a synonym, or 元 for 万元)
    for record in records:
        facts = last if record is records[0] else active_facts(ctx, record)
        matching = [fact for fact in facts if fits(fact, unit)]
        if len(matching) == 1:
            return _change(ctx, matching[0], correction, scale_unit)
        if matching:  # naming the unit again would not tell them apart
            items, when = describe(matching, ctx.today)
            # "撤回" withdraws the last record only, so it is offered only for that one
            key = "correct.same_unit" if record is records[0] else "correct.same_unit_earlier"
            reply = replies.text(key, count=len(matching), unit=unit, items=items + when)
            return ActionOutcome(MessageStatus.CORRECTION_UNMATCHED, [reply])
    items, when = describe(last, ctx.today)
    reply = replies.text(
        "correct.no_such_unit",
        value=f"{plain(to_decimal(written))}{unit}",
        unit=unit,
        items=items + when,
        example=f"{plain(to_decimal(written))}{last[0].unit}",
    )
    return ActionOutcome(MessageStatus.CORRECTION_UNMATCHED, [reply])


def _change(
    ctx: ActionContext, fact: Fact, correction: Correction, written_unit: str | None
) -> ActionOutcome:
    """Change `fact` as the correction says; a delta that would make it negative is refused."""
    value = corrected_value(fact, correction)
    if value < 0:
        return ActionOutcome(MessageStatus.CORRECTION_UNMATCHED, [replies.text("correct.no_value")])
    return change_value(ctx, fact, value, written_unit)
