"""Fixes to python-wechaty 0.10.7's puppet-service client, installed once on import.

- wechaty-puppet >= 1.7 (what the official puppet-service server runs) sends an error
  event as {"gerror": "..."}, but the client's EventErrorPayload requires "data": the
  payload raised inside the event loop, the gRPC event stream ended, the client
  reconnected ~0.3 s later and a message said meanwhile was lost. The error payload now
  accepts either key.
- More generally, the client parses every event inside its `async for` over the stream,
  so any payload it cannot parse (a new key, a missing one, not JSON) ended the stream.
  Each event is now parsed on its own: a bad one is logged and skipped, the stream goes on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import wechaty_puppet_service.puppet as service_module
from wechaty_puppet.schemas.event import EventErrorPayload

log = logging.getLogger(__name__)


class TolerantErrorPayload(EventErrorPayload):
    """An error event from any server version: "data" (old) or "gerror" (wechaty-puppet
    >= 1.7); anything else is kept as JSON text."""

    def __init__(self, **payload: Any) -> None:
        data = payload.get("data", payload.get("gerror"))
        if data is None:
            data = json.dumps(payload, ensure_ascii=False, default=str)
        super().__init__(data=data if isinstance(data, str) else json.dumps(data, default=str))


class _OneEventStub:
    """Stands in for the gRPC stub so the client's own parser handles exactly one event."""

    def __init__(self, response: Any) -> None:
        self._response = response

    async def event(self) -> AsyncIterator[Any]:
        yield self._response


class _OneEvent:
    """The puppet as the client's event parser sees it: its own attributes, but a stub that
    yields one event; attributes it sets (login_user_id) go to the real puppet."""

    def __init__(self, puppet: Any, response: Any) -> None:
        object.__setattr__(self, "_puppet", puppet)
        object.__setattr__(self, "puppet_stub", _OneEventStub(response))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._puppet, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._puppet, name, value)


_parse_events = service_module.PuppetService._listen_for_event


async def _listen_for_event(self: Any) -> None:
    """The client's event loop, with each event parsed on its own."""
    log.info("listening to the puppet's events")
    async for response in self.puppet_stub.event():
        if response is None:
            continue
        try:
            await _parse_events(_OneEvent(self, response))
        except Exception as exc:  # one event the client cannot read must not end the stream
            log.error(
                "puppet event skipped: %s: %s",
                type(exc).__name__,
                exc,
                extra={"event_type": getattr(response, "type", None)},
            )


def install() -> None:
    """Put the fixes in place (idempotent)."""
    service_module.EventErrorPayload = TolerantErrorPayload
    if service_module.PuppetService._listen_for_event is not _listen_for_event:
        service_module.PuppetService._listen_for_event = _listen_for_event


install()
