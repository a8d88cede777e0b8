"""Running totals quoted in chat, checked against the ledger the moment they are said.

"今年已调解纠纷34件" is never added to the ledger (the parser marks it running_total). When
no period-to-date sum of the ledger gives it, a report was missed or counted twice, and the
person who quoted it is the one who knows which: the bot tells them in one line, in the
words of data/replies.yml. The year-end draft lists the same mismatches for its author
(bot.reports.checks, which decides both).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from actions import replies
from bot.reports.checks import check_quoted
from bot.storage.aggregate import QuotedTotal, quoted_in
from bot.storage.units import display
from nlu.result import ParseResult


def quoted(result: ParseResult, sender: str) -> list[QuotedTotal]:
    """The running totals (not rates) the message quotes."""
    return quoted_in((fact.to_dict() for fact in result.facts), sender, "")


def _item(total: QuotedTotal, today: date) -> dict[str, str]:
    return {
        "activity": total.activity,
        "quoted": display(total.value, total.unit),
        "date": replies.day(total.date, today),
        "year": str(total.date.year),
    }


def check_lines(
    session: Session,
    town_id: int,
    result: ParseResult,
    today: date,
    *,
    say_agreement: bool = False,
) -> list[str]:
    """The reply lines for the message's running totals: one line naming those the ledger
    does not give (quoted and ledger figure side by side), and, when `say_agreement` (the
    bot was addressed and the message logs nothing else), one saying the rest agree."""
    totals = quoted(result, "")
    if not totals:
        return []
    wrong, right = [], []
    for total in totals:
        mismatch = check_quoted(session, town_id, total)
        if mismatch is None:
            right.append(replies.text("running_total.agrees_item", **_item(total, today)))
        else:
            ledger = display(mismatch.ledger, mismatch.unit)
            item = _item(total, today) | {"ledger": ledger}
            wrong.append(replies.text("running_total.mismatch_item", **item))
    lines = []
    if wrong:
        separator = replies.text("running_total.separator")
        lines.append(replies.text("running_total.mismatch", items=separator.join(wrong)))
    if right and say_agreement:
        lines.append(replies.text("running_total.agrees", items=replies.join(right)))
    return lines
