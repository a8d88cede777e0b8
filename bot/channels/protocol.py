"""The one small shape every channel has: the rest of the bot sees nothing more of it.

A channel turns what its users say into IncomingMessages for a handler (the dispatcher)
and says back the Replies; the scheduler posts through `send`. WeChat (Wechaty) and the
terminal console implement it; replay is not a channel but a batch source.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.message import Reply


@runtime_checkable
class Channel(Protocol):
    async def connect(self) -> None:
        """Get ready to hear messages (log in, open the stream, greet the terminal)."""

    async def listen(self) -> None:
        """Hand every message to the handler and say its replies, until stop()."""

    def send(self, conversation_id: str, reply: Reply) -> None:
        """Say something nobody asked for (a reminder) in a room or private chat."""

    async def stop(self) -> None:
        """Finish what is in flight and return from listen()."""
