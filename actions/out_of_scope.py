"""out_of_scope: ordinary group chatter. No reply, nothing logged; the message stays stored."""

from __future__ import annotations

from actions.base import ActionContext, ActionOutcome
from bot.storage.models import MessageStatus


def run(ctx: ActionContext) -> ActionOutcome:
    return ActionOutcome(MessageStatus.IGNORED)
