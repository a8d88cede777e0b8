"""The scheduler service with APScheduler's real AsyncIOScheduler and the ledger database
as job store: restart persistence, a missed job run once, one leader among two schedulers,
schedule changes picked up, and the year-end drafts reaching a WeChat room as .docx files
through the Wechaty fake puppet. Waits are short and bounded."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from docx import Document

from bot.run import background_services
from bot.scheduler import texts
from bot.scheduler.config import set_schedule
from bot.scheduler.jobs import stored_next_runs
from bot.scheduler.service import FileLeaderLock, PostgresLeaderLock, SchedulerService
from bot.storage.models import Town
from tests.scheduler_helpers import RUN_SERVICE, ZONE, RecordingSender, add_fact
from tests.wechaty_support.fake_puppet import RecordingFakePuppet
from tests.wechaty_support.harness import register_town, running_channel, wait_until

CALLS: list[str] = []
COUNT_JOB = "tests.test_scheduler_service:count_job"


async def count_job(tag: str) -> None:
    """A job that only counts its runs (referenced by name, as the job store keeps it)."""
    CALLS.append(tag)


@pytest.fixture(autouse=True)
def fresh_calls():
    CALLS.clear()
    yield
    CALLS.clear()


def run(coro) -> None:
    asyncio.run(asyncio.wait_for(coro, 45))


def service(settings, sender=None, **kwargs) -> SchedulerService:
    kwargs.setdefault("retry_interval", 0.05)
    kwargs.setdefault("sync_interval", 0.2)
    return SchedulerService(settings, sender or RecordingSender(), channel="test", **kwargs)


def soon(seconds: float) -> datetime:
    return datetime.now(ZONE) + timedelta(seconds=seconds)


def next_runs(session_factory) -> dict:
    with session_factory() as session:
        return stored_next_runs(session, ZONE)


def test_jobs_survive_a_restart_and_a_missed_run_happens_once(
    settings, session_factory, registered
):
    async def scenario():
        first = service(settings)
        assert await first.step()
        stored = next_runs(session_factory)
        town_jobs = {k: v for k, v in stored.items() if k.startswith("taizhang:")}
        assert len(town_jobs) == 4
        assert all(v is not None and v > datetime.now(ZONE) for v in town_jobs.values())
        start = soon(0.3)  # four fire times while the bot is down
        first.scheduler.add_job(
            COUNT_JOB,
            IntervalTrigger(seconds=0.2, start_date=start, end_date=start + timedelta(seconds=0.7)),
            args=["missed"],
            id="missed",
        )
        first.close()
        await asyncio.sleep(1.3)
        assert CALLS == []

        second = service(settings)
        assert await second.step()
        assert await wait_until(lambda: CALLS, 5)
        await asyncio.sleep(0.4)
        assert CALLS == ["missed"]  # coalesced: once, not four times
        after = next_runs(session_factory)
        assert {k: after[k] for k in town_jobs} == town_jobs  # restored, not rescheduled
        assert "missed" not in after  # its last run is done
        second.close()

    run(scenario())


def test_a_run_missed_beyond_the_grace_time_is_dropped(settings, session_factory, registered):
    short = settings.copy(update={"scheduler_misfire_grace_seconds": 1})

    async def scenario():
        first = service(short)
        assert await first.step()
        first.scheduler.add_job(COUNT_JOB, "date", run_date=soon(0.2), args=["late"], id="late")
        first.close()
        await asyncio.sleep(1.6)
        second = service(short)
        assert await second.step()
        await asyncio.sleep(0.5)
        assert CALLS == []
        second.close()

    run(scenario())


def test_two_schedulers_on_one_database_run_each_job_once(settings, session_factory, registered):
    async def scenario():
        a, b = service(settings), service(settings)
        leaders = [await a.step(), await b.step()]
        assert sorted(leaders) == [False, True]
        leader, standby = (a, b) if leaders[0] else (b, a)
        for i in range(3):
            leader.scheduler.add_job(
                COUNT_JOB, "date", run_date=soon(0.3 + 0.1 * i), args=[f"job{i}"], id=f"job{i}"
            )
        tasks = [asyncio.create_task(s.serve()) for s in (a, b)]
        assert await wait_until(lambda: len(CALLS) >= 3, 5)
        await asyncio.sleep(0.5)
        assert sorted(CALLS) == ["job0", "job1", "job2"]
        assert not standby.is_leader
        # the leader goes away: the standby takes over and runs the next job, once
        tasks[(a, b).index(leader)].cancel()
        assert await wait_until(lambda: standby.is_leader, 5)
        standby.scheduler.add_job(COUNT_JOB, "date", run_date=soon(0.2), args=["after"], id="a")
        assert await wait_until(lambda: "after" in CALLS, 5)
        await asyncio.sleep(0.3)
        assert CALLS.count("after") == 1 and len(CALLS) == 4
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    run(scenario())
    lock = service(settings).lock
    postgres = settings.effective_database_url.startswith("postgres")
    assert isinstance(lock, PostgresLeaderLock if postgres else FileLeaderLock)


def test_two_bot_processes_run_each_job_once(settings, session_factory, registered, tmp_path):
    """Real processes, as two `taizhang run` on one database: one leads, the other waits."""
    log = tmp_path / "runs.txt"

    async def prepare():
        setup = service(settings)
        assert await setup.step()
        for i in range(3):
            setup.scheduler.add_job(
                "tests.scheduler_helpers:file_job",
                "date",
                run_date=soon(3.0 + 0.3 * i),
                args=[str(log), f"job{i}"],
                id=f"proc{i}",
            )
        setup.close()

    run(prepare())
    url = settings.effective_database_url
    deadline = str(time.time() + 5)  # the jobs are due after 3 to 3.6 s
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RUN_SERVICE, url, str(settings.data_dir), deadline],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    roles = sorted(p.communicate(timeout=40)[0].strip() for p in processes)
    assert roles == ["leader", "standby"]
    lines = log.read_text(encoding="utf-8").splitlines()
    assert sorted(line.split()[1] for line in lines) == ["job0", "job1", "job2"]
    assert len({line.split()[0] for line in lines}) == 1  # all in the leader process


def test_schedule_changes_reach_the_running_scheduler(settings, session_factory, registered):
    async def scenario():
        leader = service(settings)
        assert await leader.step()
        reminder_id = f"taizhang:reminder:{registered.town_id}"
        digest_id = f"taizhang:digest:{registered.town_id}"
        before = next_runs(session_factory)
        with session_factory() as session:
            town = session.get(Town, registered.town_id)
            set_schedule(session, town, reminder_day="sat", digest_enabled=False)
            session.commit()
        assert await leader.step()
        job = leader.scheduler.get_job(reminder_id)
        assert str(job.trigger) == "workday-cron[sat 09:00]"
        assert job.next_run_time != before[reminder_id]
        assert leader.scheduler.get_job(digest_id) is None
        after = next_runs(session_factory)
        draft_id = f"taizhang:draft_compiled:{registered.town_id}"
        assert after[draft_id] == before[draft_id]  # untouched
        leader.close()

    run(scenario())


def test_background_services_hook(settings):
    assert len(background_services(settings)) == 1
    assert background_services(settings.copy(update={"scheduler_enabled": False})) == []


ROOM = "30001@chatroom"
ZHANG = "wxid_zhang"


def test_year_end_drafts_reach_the_supervisors_room_as_docx(settings, session_factory):
    puppet = RecordingFakePuppet()
    puppet.add_contact(ZHANG, "张三")
    puppet.add_room(ROOM, "白岩镇法治工作领导群", [ZHANG])
    register_town(
        session_factory, town="白岩镇", rooms={ROOM: "白岩镇法治工作领导群"}, people={ZHANG: "张三"}
    )
    with session_factory() as session:
        town_id = session.query(Town).filter(Town.name == "白岩镇").one().id
    add_fact(
        session_factory, town_id, "disputes", date(2024, 5, 6), "3", person=ZHANG, channel="wechaty"
    )
    add_fact(
        session_factory,
        town_id,
        "disputes",
        date(2024, 12, 20),
        "2",
        person=ZHANG,
        channel="wechaty",
    )

    async def scenario():
        async with running_channel(lambda message: [], settings=settings, puppet=puppet) as channel:
            scheduler = SchedulerService(settings, channel.send, channel="wechaty")
            assert await scheduler.step()
            for stage, moment in (
                ("draft_compiled", "2024-12-15T09:00:00+08:00"),
                ("draft_final", "2025-01-05T09:00:00+08:00"),
            ):
                scheduler.scheduler.add_job(
                    "bot.scheduler.jobs:draft_job",
                    "date",
                    run_date=soon(0.2),
                    args=[town_id, stage, moment],
                    id=f"test-{stage}",
                )
            assert await wait_until(lambda: len(puppet.files_to(ROOM)) == 2, 30)
            assert await channel.idle(10)
            scheduler.close()

    run(scenario())
    files = puppet.files_to(ROOM)
    assert all(f.file_name.endswith(".docx") and f.file_size > 1000 for f in files)
    notes = puppet.texts_to(ROOM)
    compiled = texts.say(
        "draft.compiled", town="白岩镇", year=2024, date="12月15日", final_date="1月5日"
    )
    final = texts.say("draft.final", town="白岩镇", year=2024)
    assert sorted(notes) == sorted([compiled, final])  # the two jobs ran concurrently
    compiled_file = next(
        (settings.data_dir / "reports" / "scheduled" / "2024-12-15").glob("*.docx")
    )
    final_file = next((settings.data_dir / "reports" / "scheduled" / "2025-01-05").glob("*.docx"))
    assert compiled_file.name == final_file.name == files[0].file_name
    compiled_text = "\n".join(p.text for p in Document(compiled_file).paragraphs)
    final_text = "\n".join(p.text for p in Document(final_file).paragraphs)
    assert "白岩镇" in compiled_text and "2024" in compiled_text
    assert compiled_text != final_text  # the 20 December record is only in the final one


def test_the_run_wiring_sends_a_missed_reminder_once_into_the_wechat_room(
    settings, session_factory
):
    """`taizhang run`'s background service on a running channel: the bot was down at the
    reminder's time and is back within the grace time, so the reminder is posted once."""
    puppet = RecordingFakePuppet()
    puppet.add_contact(ZHANG, "张三")
    puppet.add_room(ROOM, "白岩镇法治工作群", [ZHANG])
    register_town(session_factory, town="白岩镇", rooms={ROOM: "白岩镇法治工作群"})
    with session_factory() as session:
        town_id = session.query(Town).filter(Town.name == "白岩镇").one().id

    async def scenario():
        down = service(settings)
        assert await down.step()
        down.scheduler.pause()  # stored, never run here: the bot "goes down"
        down.scheduler.add_job(
            "bot.scheduler.jobs:reminder_job",
            "date",
            run_date=soon(-2),
            args=[town_id, "2024-05-20T09:00:00+08:00"],
            id="missed-reminder",
        )
        down.close()
        async with running_channel(lambda message: [], settings=settings, puppet=puppet) as channel:
            [hook] = background_services(settings)
            task = asyncio.create_task(hook(channel))
            assert await wait_until(lambda: puppet.texts_to(ROOM), 10)
            reminder_id = f"taizhang:reminder:{town_id}"
            assert await wait_until(lambda: reminder_id in next_runs(session_factory), 5)
            await asyncio.sleep(0.3)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            assert await channel.idle(10)

    run(scenario())
    [text] = puppet.texts_to(ROOM)
    assert text.startswith(
        texts.say("reminder.header", period="本季度", start="4月1日", end="6月30日")
    )
    assert text.count("· ") == 12
