"""One module per intent; the dispatcher looks the action up here by the parsed intent."""

from __future__ import annotations

from collections.abc import Callable

from actions import correct, greet, help, log, out_of_scope, query, report
from actions.base import ActionContext, ActionOutcome

Action = Callable[[ActionContext], ActionOutcome]

ACTIONS: dict[str, Action] = {
    "log_activity": log.run,
    "correct_last": correct.run,
    "query_progress": query.run,
    "request_report": report.run,
    "help": help.run,
    "greet": greet.run,
    "out_of_scope": out_of_scope.run,
}


def action_for(intent: str) -> Action:
    """The action for an intent; anything unknown is treated as chatter."""
    return ACTIONS.get(intent, out_of_scope.run)
