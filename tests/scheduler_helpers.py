"""Helpers for the scheduler tests: ledger facts written directly, and a recording sender."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from bot.message import Reply
from bot.storage.models import Fact, FactStatus, Message, MessageStatus, Person

ZONE = ZoneInfo("Asia/Shanghai")
_serial = count(1)


def at(text: str) -> datetime:
    """'2024-10-14 09:00' in Beijing time."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def add_fact(
    session_factory,
    town_id: int,
    section: str,
    day: date,
    value: str = "1",
    unit: str = "件",
    *,
    activity: str = "调解矛盾纠纷",
    status: str = FactStatus.ACTIVE,
    person: str = "zhang",
    channel: str = "test",
) -> None:
    """One fact (and its message) for a registered person of the town."""
    with session_factory() as session:
        person_row = (
            session.query(Person)
            .filter(Person.channel == channel, Person.channel_person_id == person)
            .one()
        )
        sent = datetime.combine(day, time(10, 0), ZONE)
        message = Message(
            channel=channel,
            channel_message_id=f"fact-{next(_serial)}",
            channel_sender_id=person,
            person_id=person_row.id,
            sent_at=sent,
            text=f"{activity}{value}{unit}",
            status=MessageStatus.LOGGED,
        )
        session.add(message)
        session.flush()
        session.add(
            Fact(
                message_id=message.id,
                town_id=town_id,
                person_id=person_row.id,
                section=section,
                activity=activity,
                value=Decimal(value),
                unit=unit,
                value_normalised=Decimal(value),
                unit_normalised=unit,
                fact_date=day,
                status=status,
            )
        )
        session.commit()


class RecordingSender:
    """The sender a job hands its Reply to; remembers (room, reply)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply]] = []

    def __call__(self, room: str, reply: Reply) -> None:
        self.sent.append((room, reply))

    @property
    def texts(self) -> list[str]:
        return [reply.text for _, reply in self.sent]


def file_job(path: str, tag: str) -> None:
    """A job for the two-process test: appends "<pid> <tag>" to a file (stored by reference)."""
    import os

    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()} {tag}\n")


# One bot process's scheduler: `python -c RUN_SERVICE URL DATA_DIR DEADLINE` serves until
# the (epoch) deadline, prints its role then, and stays up one more second so that every
# process reports while all of them are still running.
RUN_SERVICE = """
import asyncio, sys, time
from bot.settings import Settings
from bot.scheduler.service import SchedulerService

url, data_dir, deadline = sys.argv[1], sys.argv[2], float(sys.argv[3])
settings = Settings(database_url=url, data_dir=data_dir)
service = SchedulerService(
    settings, lambda room, reply: None, channel="test", retry_interval=0.1, sync_interval=0.2
)

async def main():
    task = asyncio.create_task(service.serve())
    await asyncio.sleep(max(0.0, deadline - time.time()))
    print("leader" if service.is_leader else "standby", flush=True)
    await asyncio.sleep(1.0)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

asyncio.run(main())
"""
