"""The ledger's storage: models, engines/sessions, migrations. Aggregation is in `aggregate`."""

from bot.storage.db import make_engine, make_session_factory, migrate, open_ledger
from bot.storage.models import Base, Fact, FactStatus, Message, MessageStatus, Person, Room, Town

__all__ = [
    "Base",
    "Fact",
    "FactStatus",
    "Message",
    "MessageStatus",
    "Person",
    "Room",
    "Town",
    "make_engine",
    "make_session_factory",
    "migrate",
    "open_ledger",
]
