"""log_activity: store each fact of the message and confirm in one short line."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from actions import replies
from actions.base import ActionContext, ActionOutcome
from bot.storage.activities import follow, standing
from bot.storage.models import Fact, FactStatus, Message, MessageStatus, Person, Room, Town
from bot.storage.units import normalise, plain, to_decimal
from nlu.result import Fact as ParsedFact


def active_fact(*, value: float, unit: str, **fields) -> Fact:
    """A new active ledger fact: the value as written, plus its summing form (万元 -> 元)."""
    exact = to_decimal(value)
    normalised, base_unit = normalise(exact, unit)
    return Fact(
        value=exact,
        unit=unit,
        value_normalised=normalised,
        unit_normalised=base_unit,
        status=FactStatus.ACTIVE,
        **fields,
    )


def store_facts(
    session: Session,
    message: Message,
    facts: Iterable[ParsedFact],
    *,
    person: Person,
    town: Town,
    room: Room | None,
) -> list[Fact]:
    """Add one active ledger fact per parsed fact (value as written, plus its summing form),
    under the name its activity has after any merge (`taizhang activities merge`)."""
    rows = []
    names = standing(session)
    for parsed in facts:
        row = active_fact(
            message_id=message.id,
            town_id=town.id,
            room_id=room.id if room else None,
            person_id=person.id,
            section=parsed.section,
            activity=follow(names, parsed.activity),
            value=parsed.value,
            unit=parsed.unit,
            fact_date=parsed.date,
            place=parsed.place,
            role=parsed.role,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def value_text(fact: Fact | ParsedFact) -> str:
    return f"{plain(to_decimal(fact.value))}{fact.unit}"


def when_text(facts: list, today) -> str:
    """'（5月16日）' or '（5月16日，白岩村）' when all facts share it, else ''."""
    dates = {getattr(f, "fact_date", None) or f.date for f in facts}
    places = {f.place for f in facts}
    if len(dates) != 1:
        return ""
    day = replies.day(dates.pop(), today)
    place = places.pop() if len(places) == 1 else None
    if place:
        return replies.text("log.when_place", date=day, place=place)
    return replies.text("log.when", date=day)


def describe(facts: list, today) -> tuple[str, str]:
    """The items and the shared date/place part of a confirmation."""
    when = when_text(facts, today)
    if when or len(facts) == 1:
        items = [replies.text("log.item", activity=f.activity, value=value_text(f)) for f in facts]
    else:
        items = [
            replies.text(
                "log.item_dated",
                activity=f.activity,
                value=value_text(f),
                when=when_text([f], today),
            )
            for f in facts
        ]
    return replies.join(items), when


def run(ctx: ActionContext) -> ActionOutcome:
    return log_facts(ctx, ctx.message, list(ctx.result.work))


def log_facts(ctx: ActionContext, message: Message, facts: list[ParsedFact]) -> ActionOutcome:
    """Store `facts` as the work `message` reports, and the one-line confirmation."""
    rows = store_facts(ctx.session, message, facts, person=ctx.person, town=ctx.town, room=ctx.room)
    items, when = describe(rows, ctx.today)
    if len(rows) == 1:
        example = f"{plain(to_decimal(rows[0].value) + 1)}{rows[0].unit}"
        reply = replies.text("log.one", items=items, when=when, example=example)
    elif when:
        reply = replies.text("log.many", items=items, when=when)
    else:
        reply = replies.text("log.many_dates", items=items)
    return ActionOutcome(MessageStatus.LOGGED, [reply], facts_logged=len(rows))
