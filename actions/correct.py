"""correct_last: change or withdraw the sender's own most recent record in this room.

Only the sender's own messages are candidates (staff correct only their own facts), only in
the same room (or the same private chat), and only within the correction window. Facts are
never deleted: the old fact is marked superseded/retracted with a link to the correcting
message, and a corrected value becomes a new active fact that points back to the old one.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select

from actions import replies
from actions.base import ActionContext, ActionOutcome
from actions.log import active_fact, describe, value_text, when_text
from bot.storage.models import Fact, FactStatus, Message, MessageStatus
from bot.storage.units import plain, to_decimal


def last_logged_message(ctx: ActionContext) -> Message | None:
    """The sender's newest message in this room, within the window, that still has active facts."""
    since = ctx.message.sent_at - timedelta(minutes=ctx.settings.correction_window_minutes)
    has_active = exists().where(Fact.message_id == Message.id, Fact.status == FactStatus.ACTIVE)
    room_condition = (
        Message.room_id == ctx.room.id if ctx.room is not None else Message.room_id.is_(None)
    )
    return ctx.session.execute(
        select(Message)
        .where(
            Message.person_id == ctx.person.id,
            room_condition,
            Message.id != ctx.message.id,
            Message.status == MessageStatus.LOGGED,
            Message.sent_at >= since,
            Message.sent_at <= ctx.message.sent_at,
            has_active,
        )
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def active_facts(ctx: ActionContext, message: Message) -> list[Fact]:
    return list(
        ctx.session.execute(
            select(Fact)
            .where(Fact.message_id == message.id, Fact.status == FactStatus.ACTIVE)
            .order_by(Fact.id)
        ).scalars()
    )


def fact_named_by_unit(facts: list[Fact], text: str) -> Fact | None:
    """In a multi-fact record, the one fact whose unit the correction names ("更正为600份")."""
    remaining = text
    named = []
    for unit in sorted({f.unit for f in facts}, key=len, reverse=True):  # 人次 before 人
        if unit and unit in remaining:
            named.append(unit)
            remaining = remaining.replace(unit, " ")
    matches = [f for f in facts if f.unit in named]
    return matches[0] if len(matches) == 1 else None


def retract(ctx: ActionContext, facts: list[Fact]) -> ActionOutcome:
    for fact in facts:
        fact.status = FactStatus.RETRACTED
        fact.corrected_by_message_id = ctx.message.id
    ctx.session.flush()
    items, when = describe(facts, ctx.today)
    return ActionOutcome(
        MessageStatus.RETRACTED, [replies.text("correct.retracted", items=items, when=when)]
    )


def change_value(ctx: ActionContext, old: Fact, new_value: float) -> ActionOutcome:
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
        unit=old.unit,
        fact_date=old.fact_date,
        place=old.place,
        replaces_fact_id=old.id,
    )
    ctx.session.add(new)
    ctx.session.flush()
    reply = replies.text(
        "correct.changed",
        activity=old.activity,
        old=value_text(old),
        new=f"{plain(new.value)}{old.unit}",
        when=when_text([old], ctx.today),
    )
    return ActionOutcome(MessageStatus.CORRECTED, [reply])


def run(ctx: ActionContext) -> ActionOutcome:
    correction = ctx.result.correction
    target = last_logged_message(ctx)
    if target is None:
        hours = plain(to_decimal(ctx.settings.correction_window_minutes) / 60)
        return ActionOutcome(
            MessageStatus.CORRECTION_UNMATCHED, [replies.text("correct.nothing", hours=hours)]
        )
    facts = active_facts(ctx, target)
    if correction is not None and correction.retract:
        return retract(ctx, facts)
    if correction is None or correction.value is None:
        return ActionOutcome(MessageStatus.CORRECTION_UNMATCHED, [replies.text("correct.no_value")])
    fact = facts[0] if len(facts) == 1 else fact_named_by_unit(facts, ctx.result.text)
    if fact is None:
        items, _ = describe(facts, ctx.today)
        example = f"{plain(to_decimal(correction.value))}{facts[0].unit}"
        reply = replies.text("correct.which", count=len(facts), items=items, example=example)
        return ActionOutcome(MessageStatus.CORRECTION_UNMATCHED, [reply])
    return change_value(ctx, fact, correction.value)
