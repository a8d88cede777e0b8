"""help: how to use the bot, with examples."""

from __future__ import annotations

from actions import replies
from actions.base import ActionContext, ActionOutcome
from bot.storage.models import MessageStatus


def run(ctx: ActionContext) -> ActionOutcome:
    return ActionOutcome(MessageStatus.ANSWERED, [replies.text("help")])
