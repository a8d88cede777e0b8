"""A simulated year (bench/simulate_year.py): the clock advanced day by day through 2024,
the year's group chat replayed through the real dispatcher as it came, every job fired at
its trigger's times. Checks the reminders, the twelve digests and both drafts."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from bench.simulate_year import CHAT, SUPERVISORS_ROOM, WORK_ROOM, simulate
from bot.dispatcher import Dispatcher
from bot.scheduler import texts
from bot.scheduler.workdays import first_workday_of_month, is_workday
from bot.storage.units import display
from tests.scheduler_helpers import ZONE


def test_a_simulated_year(settings, session_factory, parser):
    dispatcher = Dispatcher(settings, session_factory, parser)
    result = simulate(session_factory, settings, 2024, dispatcher=dispatcher, chat=CHAT)

    # digests: the first workday of every month, February 2024 to January 2025, 09:00
    digests = result.of("digest")
    firsts = [first_workday_of_month(date(2024, m, 1)) for m in range(2, 13)]
    firsts.append(first_workday_of_month(date(2025, 1, 1)))
    assert [when for when, *_ in digests] == [datetime.combine(d, time(9), ZONE) for d in firsts]
    assert {room for _, room, *_ in digests} == {SUPERVISORS_ROOM}
    assert datetime(2024, 10, 8, 9, tzinfo=ZONE) in [when for when, *_ in digests]  # 国庆

    # the January digest's year figures are the ones written into the chat
    expected = json.loads(CHAT.with_name("year_chat_expected.json").read_text("utf-8"))
    january = digests[-1][3].text.splitlines()
    for section, units in expected["totals"].items():
        [line] = [x for x in january if x.startswith(f"· {texts.section_title(section)}：")]
        year_part = line.split("累计", 1)[1]
        for unit, value in units.items():
            assert display(Decimal(value), unit) in year_part, (section, unit, line)

    # both drafts, as .docx, on 15 December (2024 so far) and 5 January (2024 final)
    drafts = result.of("draft_compiled") + result.of("draft_final")
    assert [when for when, *_ in drafts] == [
        datetime(2024, 12, 15, 9, tzinfo=ZONE),
        datetime(2025, 1, 5, 9, tzinfo=ZONE),
    ]
    for _, room, _, reply in drafts:
        assert room == SUPERVISORS_ROOM and "2024年" in reply.text
        assert reply.file.suffix == ".docx" and reply.file.stat().st_size > 10_000

    # reminders: Monday mornings that are workdays, never the same text twice in a row
    reminders = result.of("reminder")
    assert reminders and {room for _, room, *_ in reminders} == {WORK_ROOM}
    for when, *_ in reminders:
        assert when.weekday() == 0 and is_workday(when.date()) and when.time() == time(9)
    reminder_texts = [reply.text for *_, reply in reminders]
    assert all(a != b for a, b in zip(reminder_texts, reminder_texts[1:], strict=False))
    mondays, day = 0, date(2024, 1, 1)
    while day <= date(2025, 1, 10):
        mondays += day.weekday() == 0 and is_workday(day)
        day += timedelta(days=1)
    not_sent = sum(n for (kind, _), n in result.skipped.items() if kind == "reminder")
    assert len(reminders) + not_sent == mondays
    assert not any(kind != "reminder" for kind, _ in result.skipped)
    assert result.skipped[("reminder", "unchanged")] > 0
    # holidays skipped by the trigger: no reminder on 16 Sept (中秋) or 7 Oct (国庆)
    assert not {date(2024, 9, 16), date(2024, 10, 7)} & {w.date() for w, *_ in reminders}
