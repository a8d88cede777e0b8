"""The ledger's tables: towns, rooms, people, every message as received, and the facts.

A message row is written before anything else happens to it, so nothing a member said is
ever lost; its parse result and outcome are filled in afterwards. Facts are never deleted:
a correction marks them superseded or retracted and links the correcting message, so the
ledger always shows what was said, what was understood and what changed.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import declarative_base, relationship

from bot.storage.types import Amount, UTCDateTime

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))

ROLES = ("staff", "supervisor", "admin")


class MessageStatus:
    """What was done with a message; stored as plain strings so new states need no migration."""

    RECEIVED = "received"  # stored, not (yet) handled
    LOGGED = "logged"  # facts recorded
    CORRECTED = "corrected"  # a correction that changed a value
    RETRACTED = "retracted"  # a correction that withdrew a record
    CORRECTION_UNMATCHED = "correction_unmatched"  # nothing (or nothing clear) to correct
    ANSWERED = "answered"  # query, help, greeting, report request
    IGNORED = "ignored"  # chatter, or a room that only listens to mentions
    NOT_UNDERSTOOD = "not_understood"  # low confidence or parser failure: review queue
    ASKED = "asked"  # unsure: the sender was asked "是记为…吗？"; waits for the answer
    UNREGISTERED = "unregistered"  # unknown room or person: no ledger access
    REVIEW_DISMISSED = "review_dismissed"
    REVIEW_ASSIGNED = "review_assigned"
    FAILED = "failed"  # handling raised an error: stored with the reason, waits for review

    REVIEW_QUEUE = (NOT_UNDERSTOOD, ASKED, FAILED)


class FactRole:
    """What a stored figure is (nlu.result.Fact.role): work done in the period is summed; a
    stock ("覆盖9个社区", "聘请法律顾问3名") is a standing number, the latest value stated."""

    NEW = "new"
    STOCK = "stock"


class FactStatus:
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    RETRACTED = "retracted"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Town(Base):
    """A township (乡镇/街道): the unit whose ledger and report belong together."""

    __tablename__ = "towns"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False, unique=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    rooms = relationship("Room", back_populates="town")
    people = relationship("Person", back_populates="town")

    def __repr__(self) -> str:
        return f"Town(id={self.id}, name={self.name!r})"


class Room(Base):
    """A group chat on one channel; it belongs to exactly one town."""

    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("channel", "channel_room_id"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    channel_room_id = Column(String(200), nullable=False)
    topic = Column(String(200))
    town_id = Column(Integer, ForeignKey("towns.id"), nullable=False, index=True)
    # In a busy work group the bot may be asked to react only when @-mentioned.
    mentions_only = Column(Boolean, nullable=False, default=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    town = relationship("Town", back_populates="rooms")


class Person(Base):
    """A member known on one channel; the role decides what they may see and change."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("channel", "channel_person_id"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    channel_person_id = Column(String(200), nullable=False)
    display_name = Column(String(100), nullable=False)
    town_id = Column(Integer, ForeignKey("towns.id"), nullable=False, index=True)
    role = Column(String(20), nullable=False, default="staff")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    town = relationship("Town", back_populates="people")


class Message(Base):
    """Every incoming message, stored raw first, then annotated with what the bot did."""

    __tablename__ = "messages"
    __table_args__ = (
        # the sender's last log in a room (corrections)
        Index("ix_messages_person_room_sent", "person_id", "room_id", "sent_at"),
        Index("ix_messages_status", "status"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    channel_message_id = Column(String(200), nullable=False)
    channel_room_id = Column(String(200))  # as the channel gave it, even if unregistered
    channel_sender_id = Column(String(200), nullable=False)
    sender_name = Column(String(100))
    room_id = Column(Integer, ForeignKey("rooms.id"))
    person_id = Column(Integer, ForeignKey("people.id"))
    sent_at = Column(UTCDateTime, nullable=False)
    received_at = Column(UTCDateTime, nullable=False, default=utcnow)
    text = Column(Text, nullable=False)
    mentions_bot = Column(Boolean, nullable=False, default=False)

    parse_json = Column(Text)  # ParseResult.to_dict() as JSON
    intent = Column(String(32))
    confidence = Column(Float)
    status = Column(String(32), nullable=False, default=MessageStatus.RECEIVED)
    note = Column(Text)  # e.g. the parser error, or a reviewer's remark
    handled_at = Column(UTCDateTime)

    room = relationship("Room")
    person = relationship("Person")
    facts = relationship(
        "Fact", back_populates="message", foreign_keys="Fact.message_id", order_by="Fact.id"
    )


# A message's identity: chat exports number their messages per room (migration 0004).
Index(
    "uq_messages_identity",
    Message.channel,
    func.coalesce(Message.channel_room_id, ""),
    Message.channel_message_id,
    unique=True,
)


class Fact(Base):
    """One number about one activity: 调解矛盾纠纷 3件 on 2024-05-16 in 白岩村.

    `value`/`unit` are as written; `value_normalised`/`unit_normalised` are what is summed
    (6.177 万元 -> 61770 元). Rates (unit %) and stocks (`role` stock) are stored unchanged
    and never summed: the figure is the latest value stated.
    """

    __tablename__ = "facts"
    __table_args__ = (
        # totals by (town, section, date) and by (town, date) over active facts; on
        # PostgreSQL the second covers what a town's year is grouped by (aggregate.cube), so
        # that query reads the index alone
        Index("ix_facts_totals", "town_id", "section", "fact_date", "status"),
        Index(
            "ix_facts_town_date",
            "town_id",
            "fact_date",
            postgresql_include=[
                "status",
                "section",
                "activity",
                "unit_normalised",
                "role",
                "value_normalised",
                "unit",
            ],
        ),
        # the few rates and stocks, whose latest value is looked up (aggregate._latest_stated)
        Index(
            "ix_facts_stated",
            "town_id",
            "fact_date",
            postgresql_where=text("unit_normalised = '%' OR role = 'stock'"),
            sqlite_where=text("unit_normalised = '%' OR role = 'stock'"),
            postgresql_include=[
                "status",
                "section",
                "activity",
                "unit_normalised",
                "value_normalised",
                "message_id",
                "id",
            ],
        ),
    )

    id = Column(Integer, primary_key=True)
    message_id = Column(Integer, ForeignKey("messages.id"), nullable=False, index=True)
    town_id = Column(Integer, ForeignKey("towns.id"), nullable=False)
    room_id = Column(Integer, ForeignKey("rooms.id"))
    person_id = Column(Integer, ForeignKey("people.id"), nullable=False)
    section = Column(String(32), nullable=False)
    activity = Column(String(100), nullable=False)
    value = Column(Amount, nullable=False)
    unit = Column(String(16), nullable=False)
    value_normalised = Column(Amount, nullable=False)
    unit_normalised = Column(String(16), nullable=False)
    fact_date = Column(Date, nullable=False)
    place = Column(String(100))
    role = Column(String(16), nullable=False, default=FactRole.NEW, server_default=FactRole.NEW)
    status = Column(String(16), nullable=False, default=FactStatus.ACTIVE)
    corrected_by_message_id = Column(Integer, ForeignKey("messages.id"))
    replaces_fact_id = Column(Integer, ForeignKey("facts.id"))  # set on a corrected copy
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    message = relationship("Message", back_populates="facts", foreign_keys=[message_id])
    corrected_by = relationship("Message", foreign_keys=[corrected_by_message_id])
    person = relationship("Person")
    town = relationship("Town")


class WebRole:
    """Who may see what on the dashboard (bot/web): a supervisor their own town, the county
    office every town of the ledger (one ledger database serves one county)."""

    SUPERVISOR = "supervisor"
    COUNTY = "county"
    ALL = (SUPERVISOR, COUNTY)


class WebUser(Base):
    """A dashboard login (`taizhang web user add`); the password is kept only as a hash."""

    __tablename__ = "web_users"

    id = Column(Integer, primary_key=True)
    login = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(100), nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False)
    town_id = Column(Integer, ForeignKey("towns.id"))  # set for a supervisor, None for county
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    town = relationship("Town")


class ActivityMerge(Base):
    """One merge or rename of an activity name (`taizhang activities merge|rename`): all facts
    named `source` became `target`, by whom and when. `fact_ids` (JSON) lists the facts that
    moved, so the change can be listed and undone; while it stands, facts parsed later under
    `source` are stored under `target`. No fact is deleted by it."""

    __tablename__ = "activity_merges"

    id = Column(Integer, primary_key=True)
    kind = Column(String(16), nullable=False)  # merge / rename
    source = Column(String(100), nullable=False, index=True)
    target = Column(String(100), nullable=False)
    fact_ids = Column(Text, nullable=False, default="[]")
    made_by = Column(String(100), nullable=False)
    made_at = Column(UTCDateTime, nullable=False, default=utcnow)
    undone_by = Column(String(100))
    undone_at = Column(UTCDateTime)
