"""The sender's answer to "是记为…吗？": yes logs what was proposed, no leaves it for review.

The proposal is the parse stored on the asked message, so what is logged is exactly what the
question showed. Either way the asked message records who decided, so answers can go back into
the training data (bot/feedback.py)."""

from __future__ import annotations

from actions import replies
from actions.base import ActionContext, ActionOutcome
from actions.log import log_facts
from bot.storage.feedback import CONFIRMED_MARK
from bot.storage.models import Message, MessageStatus

DECLINED_NOTE = "[declined by sender]"


def _noted(message: Message, mark: str) -> str:
    return f"{message.note or ''} {mark}".strip()


def confirm(ctx: ActionContext, asked: Message) -> ActionOutcome:
    outcome = log_facts(ctx, asked, list(ctx.result.work))
    asked.status = MessageStatus.LOGGED
    asked.note = _noted(asked, CONFIRMED_MARK)
    return ActionOutcome(MessageStatus.ANSWERED, outcome.replies, facts_logged=outcome.facts_logged)


def decline(ctx: ActionContext, asked: Message) -> ActionOutcome:
    asked.status = MessageStatus.NOT_UNDERSTOOD
    asked.note = _noted(asked, DECLINED_NOTE)
    return ActionOutcome(MessageStatus.ANSWERED, [replies.text("ask.declined")])
