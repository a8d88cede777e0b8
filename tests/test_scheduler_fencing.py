"""Scheduler split brain: a leader that loses its lock stops at once (not at its next
minute), a job running on it sends nothing, and a job message goes out at most once even
when two processes both believe they lead."""

from __future__ import annotations

import asyncio
import time
from datetime import date

import pytest
from sqlalchemy import text

from bot.scheduler.deliveries import deliver
from bot.scheduler.service import SchedulerService
from bot.settings import Settings
from bot.storage import make_engine
from tests.conftest import _empty_postgres, postgres_url
from tests.scheduler_helpers import RecordingSender, add_fact, at


def test_two_leaders_send_a_job_message_once(settings, session_factory, registered):
    tid = registered.town_id
    add_fact(session_factory, tid, "disputes", date(2024, 9, 3), "3")
    sent: list[str] = []
    second: list = []

    def second_leader(room, reply) -> None:
        sent.append(reply.text)

    def first_leader(room, reply) -> None:
        sent.append(reply.text)
        # while the first leader is sending, before it records anything, another process
        # that also believes it leads runs the same job
        second.append(
            deliver(
                session_factory,
                settings,
                second_leader,
                "digest",
                tid,
                at("2024-10-08T09:00"),
                channel="test",
            )
        )

    first = deliver(
        session_factory,
        settings,
        first_leader,
        "digest",
        tid,
        at("2024-10-08T09:00"),
        channel="test",
    )
    assert first.sends and second[0].skipped == "already_sent"
    assert len(sent) == 1


@pytest.fixture
def pg_settings(postgres_schema, tmp_path) -> Settings:
    _empty_postgres(postgres_schema)
    return Settings(
        data_dir=tmp_path / "data",
        database_url=postgres_url(postgres_schema),
        timezone="Asia/Shanghai",
    )


def _cut_lock_connection(url: str, key: int) -> int:
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_locks"
                        " WHERE locktype = 'advisory' AND objsubid = 1"
                        " AND classid::bigint = :hi AND objid::bigint = :lo"
                    ),
                    {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF},
                ).all()
            )
    finally:
        engine.dispose()


def test_a_leader_whose_lock_connection_is_cut_stops_at_once(pg_settings):
    from bot.storage import make_session_factory
    from bot.storage.registry import add_person, bind_room, get_or_create_town

    url = pg_settings.effective_database_url
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        town = get_or_create_town(session, "白岩镇")
        bind_room(session, "test", "grp-1", town)
        add_person(session, "test", "zhang", town, display_name="张三")
        session.commit()
        tid = town.id
    add_fact(factory, tid, "disputes", date(2024, 9, 3), "3")

    async def scenario() -> None:
        # the default minute between syncs; the lease is checked as often as a standby retries
        a = SchedulerService(pg_settings, RecordingSender(), channel="test", retry_interval=0.05)
        b = SchedulerService(pg_settings, RecordingSender(), channel="test", retry_interval=0.05)
        assert await a.step() and not await b.step()
        tasks = [asyncio.create_task(s.serve()) for s in (a, b)]
        try:
            assert _cut_lock_connection(url, a.lock.key) == 1
            started = time.monotonic()
            while a.is_leader and time.monotonic() - started < 5:
                await asyncio.sleep(0.02)
            assert not a.is_leader and time.monotonic() - started < 2
            while not b.is_leader and time.monotonic() - started < 5:
                await asyncio.sleep(0.02)
            assert b.is_leader
            # a job body still running on the old leader checks the lock before sending
            sender = RecordingSender()
            late = deliver(
                factory,
                pg_settings,
                sender,
                "digest",
                tid,
                at("2024-10-08T09:00"),
                channel="test",
                still_leader=a.lock.alive,
            )
            assert late.skipped == "not_leader" and sender.sent == []
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(asyncio.wait_for(scenario(), 30))
