"""greet: a short hello (or "you're welcome") that points to how the bot is used."""

from __future__ import annotations

from actions import replies
from actions.base import ActionContext, ActionOutcome
from bot.storage.models import MessageStatus

THANKS_MARKERS = ("谢", "辛苦", "感谢", "thank")


def run(ctx: ActionContext) -> ActionOutcome:
    said = ctx.result.text.lower()
    key = "greet.thanks" if any(m in said for m in THANKS_MARKERS) else "greet.hello"
    return ActionOutcome(MessageStatus.ANSWERED, [replies.text(key)])
