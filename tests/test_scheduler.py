"""The scheduler's decisions with a fixed clock: working calendar, triggers, reminder and
digest content, no repeats, overrides, owners, and `taizhang remind --dry-run`."""

from __future__ import annotations

import pickle
from datetime import date

import pytest

from bot.scheduler import texts
from bot.scheduler.config import (
    ScheduleError,
    owners_by_section,
    set_owners,
    set_schedule,
    town_plan,
)
from bot.scheduler.deliveries import deliver, plan
from bot.scheduler.jobs import desired_jobs
from bot.scheduler.triggers import FirstWorkdayTrigger, WorkdayCronTrigger
from bot.scheduler.workdays import first_workday_of_month, is_workday, load_overrides
from bot.storage.aggregate import SECTION_IDS, period_range, totals
from bot.storage.models import FactStatus, Town
from bot.storage.schedule_models import ScheduleState, SectionOwner
from bot.storage.units import display
from tests.scheduler_helpers import RecordingSender, add_fact, at

TITLES = texts.section_titles()

# ---- the working calendar -----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        ("2024-09-16", False),  # Monday off: 中秋 (调休)
        ("2024-09-14", True),  # Saturday worked (调休)
        ("2024-10-07", False),  # 国庆, a Monday
        ("2024-10-12", True),  # Saturday worked (调休)
        ("2024-12-15", False),  # an ordinary Sunday
        ("2024-10-14", True),
    ],
)
def test_statutory_holidays_and_tiaoxiu_days(day, workday):
    assert is_workday(date.fromisoformat(day)) is workday


def test_first_workday_of_month_skips_holidays_and_counts_a_tiaoxiu_sunday():
    assert first_workday_of_month(date(2024, 10, 20)) == date(2024, 10, 8)
    assert first_workday_of_month(date(2026, 1, 15)) == date(2026, 1, 4)  # a Sunday worked
    assert first_workday_of_month(date(2024, 6, 9)) == date(2024, 6, 3)


def test_data_override_covers_a_year_the_package_does_not(tmp_path):
    path = tmp_path / "holidays.yml"
    path.write_text(
        "years:\n  2031:\n    holidays: [2031-01-01, 2031-01-02]\n    workdays: [2031-01-04]\n",
        encoding="utf-8",
    )
    overrides = load_overrides(path)
    assert not is_workday(date(2031, 1, 1), overrides)  # Wednesday, declared off
    assert is_workday(date(2031, 1, 4), overrides)  # Saturday, declared worked
    assert not is_workday(date(2031, 1, 5), overrides)  # plain Sunday
    assert first_workday_of_month(date(2031, 1, 20), overrides) == date(2031, 1, 3)
    # a year nobody covers: Monday to Friday (2031-01-01 is a Wednesday)
    assert is_workday(date(2031, 1, 1), {}) and not is_workday(date(2031, 1, 5), {})


def test_broken_override_file_is_ignored(tmp_path):
    path = tmp_path / "holidays.yml"
    path.write_text("years: [unclosed", encoding="utf-8")
    assert load_overrides(path) == {}


# ---- triggers -----------------------------------------------------------------------


def test_weekly_trigger_skips_mondays_off():
    trigger = WorkdayCronTrigger(day_of_week="mon", hour=9, minute=0, timezone="Asia/Shanghai")
    fire = trigger.get_next_fire_time(None, at("2024-09-10T12:00"))
    assert fire == at("2024-09-23T09:00")  # 16 Sept is 中秋
    fire = trigger.get_next_fire_time(at("2024-09-30T09:00"), at("2024-09-30T09:00:01"))
    assert fire == at("2024-10-14T09:00")  # 7 Oct is 国庆
    copy = pickle.loads(pickle.dumps(trigger))  # the job store pickles it
    assert str(copy) == str(trigger)
    assert copy.get_next_fire_time(None, at("2024-09-10T12:00")) == at("2024-09-23T09:00")


def test_first_workday_trigger():
    trigger = FirstWorkdayTrigger(hour=9, minute=0, timezone="Asia/Shanghai")
    assert trigger.get_next_fire_time(None, at("2024-09-15T00:00")) == at("2024-10-08T09:00")
    assert trigger.get_next_fire_time(at("2024-10-08T09:00"), at("2024-10-08T09:00")) == at(
        "2024-11-01T09:00"
    )
    assert trigger.get_next_fire_time(None, at("2025-12-20T00:00")) == at("2026-01-04T09:00")
    copy = pickle.loads(pickle.dumps(trigger))
    assert copy.get_next_fire_time(None, at("2024-09-15T00:00")) == at("2024-10-08T09:00")


# ---- coverage reminder --------------------------------------------------------------


def reminder(settings, session_factory, town_id, now):
    with session_factory() as session:
        return plan(session, settings, "reminder", town_id, at(now), channel="test")


def test_reminder_lists_the_quarters_uncovered_sections_with_their_owners(
    settings, session_factory, registered
):
    add_fact(session_factory, registered.town_id, "disputes", date(2024, 5, 6))
    add_fact(session_factory, registered.town_id, "publicity", date(2024, 4, 20))
    add_fact(session_factory, registered.town_id, "study", date(2024, 3, 20))  # last quarter
    add_fact(
        session_factory,
        registered.town_id,
        "digital",
        date(2024, 5, 7),
        status=FactStatus.RETRACTED,
    )
    with session_factory() as session:
        town = session.get(Town, registered.town_id)
        set_owners(session, town, "digital", ["张三", "@王五"])
        session.commit()

    delivery = reminder(settings, session_factory, registered.town_id, "2024-05-20T09:00")
    assert delivery.sends and delivery.room == registered.room
    lines = delivery.reply.text.splitlines()
    assert lines[0] == texts.say(
        "reminder.header", period=texts.say("periods.quarter"), start="4月1日", end="6月30日"
    )
    expected = [s for s in SECTION_IDS if s not in ("disputes", "publicity")]
    listed = [line for line in lines if line.startswith("· ")]
    assert len(listed) == len(expected)
    for line, section in zip(listed, expected, strict=True):
        assert line.startswith(f"· {TITLES[section]}")
    assert f"· {TITLES['digital']} @张三 @王五" in lines
    assert delivery.reply.notify == ("zhang",)  # registered owners are notified for real
    assert lines[-1] == texts.say("reminder.footer")
    assert "全年" not in delivery.reply.text and texts.say("reminder.year_header") not in lines
    with session_factory() as session:
        quarter = period_range("quarter", date(2024, 5, 20))
        from bot.storage.aggregate import uncovered_sections

        assert uncovered_sections(session, registered.town_id, *quarter) == expected


def test_from_october_sections_empty_all_year_are_listed_apart(
    settings, session_factory, registered
):
    for section in SECTION_IDS[:10]:
        add_fact(session_factory, registered.town_id, section, date(2024, 10, 16))
    add_fact(session_factory, registered.town_id, "publicity", date(2024, 6, 1))  # not this Q
    delivery = reminder(settings, session_factory, registered.town_id, "2024-10-21T09:00")
    lines = delivery.reply.text.splitlines()
    year_header = lines.index(texts.say("reminder.year_header"))
    assert lines[1:year_header] == [f"· {TITLES['publicity']}"]
    assert lines[year_header + 1 : -1] == [f"· {TITLES['legal_services']}"]


def test_no_quarter_nagging_in_the_first_days_of_a_quarter(settings, session_factory, registered):
    delivery = reminder(settings, session_factory, registered.town_id, "2024-04-08T09:00")
    assert not delivery.sends and delivery.skipped == "all_covered"
    # but a gap for the whole year is reported from October, even early in the quarter
    delivery = reminder(settings, session_factory, registered.town_id, "2024-10-14T09:00")
    assert delivery.sends
    assert texts.say("reminder.header", period="本季度", start="10月1日", end="12月31日") not in (
        delivery.reply.text
    )
    assert delivery.reply.text.count("· ") == 12


def test_reminder_is_skipped_on_days_off(settings, session_factory, registered):
    sender = RecordingSender()
    for moment in ("2024-09-16T09:00", "2024-10-07T09:00", "2024-06-15T09:00"):
        delivery = deliver(
            session_factory,
            settings,
            sender,
            "reminder",
            registered.town_id,
            at(moment),
            channel="test",
        )
        assert delivery.skipped == "day_off"
    assert sender.sent == []
    # the 调休 Saturday is a working day
    delivery = reminder(settings, session_factory, registered.town_id, "2024-10-12T09:00")
    assert delivery.sends


def test_says_nothing_when_every_section_is_covered(settings, session_factory, registered):
    for section in SECTION_IDS:
        add_fact(session_factory, registered.town_id, section, date(2024, 5, 6))
    sender = RecordingSender()
    delivery = deliver(
        session_factory,
        settings,
        sender,
        "reminder",
        registered.town_id,
        at("2024-05-20T09:00"),
        channel="test",
    )
    assert delivery.skipped == "all_covered" and sender.sent == []


def test_an_unchanged_reminder_is_not_sent_twice_in_a_row(settings, session_factory, registered):
    sender = RecordingSender()

    def monday(day: str):
        return deliver(
            session_factory,
            settings,
            sender,
            "reminder",
            registered.town_id,
            at(f"{day}T09:00"),
            channel="test",
        )

    assert monday("2024-05-20").sends
    assert monday("2024-05-27").skipped == "unchanged"
    add_fact(session_factory, registered.town_id, "disputes", date(2024, 5, 28))
    assert monday("2024-06-03").sends  # one section fewer: news
    assert monday("2024-06-11").skipped == "unchanged"  # (10 June is 端午)
    assert len(sender.sent) == 2
    assert TITLES["disputes"] in sender.texts[0] and TITLES["disputes"] not in sender.texts[1]
    # all covered in between: the same gap later is news again
    for section in SECTION_IDS:
        add_fact(session_factory, registered.town_id, section, date(2024, 6, 12))
    assert monday("2024-06-17").skipped == "all_covered"
    with session_factory() as session:
        assert session.get(ScheduleState, (registered.town_id, "reminder")).last_hash is None


def test_disabled_reminder_and_missing_room(settings, session_factory, registered):
    with session_factory() as session:
        set_schedule(session, session.get(Town, registered.town_id), reminder_enabled=False)
        session.commit()
    assert reminder(settings, session_factory, registered.town_id, "2024-05-20T09:00").skipped == (
        "disabled"
    )
    with session_factory() as session:
        delivery = plan(
            session,
            settings,
            "digest",
            registered.town_id,
            at("2024-06-03T09:00"),
            channel="wechaty",  # the town has no WeChat room
        )
    assert delivery.skipped == "no_room" and delivery.reply is not None


# ---- digest -------------------------------------------------------------------------


def test_digest_on_the_first_workday_with_last_month_and_the_year(
    settings, session_factory, registered
):
    tid = registered.town_id
    add_fact(session_factory, tid, "disputes", date(2024, 9, 3), "3")
    add_fact(session_factory, tid, "disputes", date(2024, 9, 30), "2")
    add_fact(session_factory, tid, "disputes", date(2024, 2, 1), "4")
    add_fact(session_factory, tid, "disputes", date(2024, 10, 1), "100")  # this month: not yet
    add_fact(
        session_factory, tid, "publicity", date(2024, 9, 9), "1.5", "万元", activity="投入普法经费"
    )
    add_fact(session_factory, tid, "study", date(2024, 3, 9), "2", "次", activity="组织干部学法")
    sender = RecordingSender()

    def run(moment: str):
        return deliver(session_factory, settings, sender, "digest", tid, at(moment), channel="test")

    assert run("2024-10-01T09:00").skipped == "not_due"  # 国庆; first workday is 8 Oct
    sent = run("2024-10-08T09:00")
    assert sent.sends and sent.key == "2024-10" and sent.room == registered.room
    assert run("2024-10-09T09:00").skipped == "already_sent"
    [(room, reply)] = sender.sent
    lines = reply.text.splitlines()
    assert lines[0] == texts.say("digest.header", town="白岩镇", month=9, year=2024, end="9月30日")
    assert f"· {TITLES['disputes']}：9月5件；累计9件" in lines
    assert f"· {TITLES['study']}：9月无；累计2次" in lines
    # money as the aggregate shows it (万元 sums in 元)
    with session_factory() as session:
        [money] = totals(
            session,
            tid,
            date(2024, 9, 1),
            date(2024, 9, 30),
            section="publicity",
            by_activity=False,
        )
    assert f"· {TITLES['publicity']}：9月{display(money.value, money.unit)}；" in reply.text
    assert texts.say("digest.footer", month=9, year=2024, month_records=3, year_records=5) in lines


def test_january_digest_covers_december_and_the_whole_previous_year(
    settings, session_factory, registered
):
    tid = registered.town_id
    add_fact(session_factory, tid, "disputes", date(2024, 12, 30), "2")
    add_fact(session_factory, tid, "disputes", date(2024, 1, 2), "5")
    with session_factory() as session:
        delivery = plan(session, settings, "digest", tid, at("2025-01-02T09:00"), channel="test")
    assert delivery.sends and delivery.key == "2025-01"
    assert f"· {TITLES['disputes']}：12月2件；累计7件" in delivery.reply.text


def test_digest_catches_up_on_the_next_workday_if_missed(settings, session_factory, registered):
    with session_factory() as session:
        delivery = plan(
            session,
            settings,
            "digest",
            registered.town_id,
            at("2024-10-09T15:00"),
            channel="test",
        )
    assert delivery.sends and delivery.key == "2024-10"


# ---- overrides, owners, job list ----------------------------------------------------


def test_schedule_overrides_change_the_jobs(settings, session_factory, registered):
    with session_factory() as session:
        town = session.get(Town, registered.town_id)
        before = {s.id: str(s.trigger) for s in desired_jobs(session, settings, "test")}
        assert len(before) == 4
        set_schedule(session, town, reminder_day="Tuesday", reminder_time="8:30")
        set_schedule(session, town, drafts_enabled=False)
        session.commit()
        plan_ = town_plan(session, settings, town, "test")
        assert (plan_.reminder_day, plan_.reminder_time.strftime("%H:%M")) == ("tue", "08:30")
        assert plan_.digest_time.strftime("%H:%M") == settings.digest_time  # untouched
        after = {s.id: str(s.trigger) for s in desired_jobs(session, settings, "test")}
        with pytest.raises(ScheduleError):
            set_schedule(session, town, reminder_time="9点")
        with pytest.raises(ScheduleError):
            set_schedule(session, town, reminder_day="周一")
    assert set(after) == {i for i in before if "draft" not in i}
    reminder_id = f"taizhang:reminder:{registered.town_id}"
    assert after[reminder_id] == "workday-cron[tue 08:30]" != before[reminder_id]


def test_owners_link_registered_people_and_replace_on_set(settings, session_factory, registered):
    with session_factory() as session:
        town = session.get(Town, registered.town_id)
        set_owners(session, town, "disputes", ["李四", "外聘律师", "李四"])
        session.commit()
        rows = session.query(SectionOwner).order_by(SectionOwner.position).all()
        assert [(r.name, r.person_id is not None) for r in rows] == [
            ("李四", True),
            ("外聘律师", False),
        ]
        set_owners(session, town, "disputes", ["张三"])
        session.commit()
        assert owners_by_section(session, town.id) == {"disputes": ["张三"]}


# ---- the command line ---------------------------------------------------------------


def test_remind_dry_run_prints_exactly_what_the_job_sends(
    cli, settings, session_factory, registered
):
    add_fact(session_factory, registered.town_id, "disputes", date(2024, 5, 6))
    result = cli("owners", "set", "rules", "张三", "--town", "白岩镇")
    assert result.exit_code == 0, result.stderr
    moment = "2024-05-20T09:00:00+08:00"
    result = cli("remind", "--town", "白岩镇", "--now", moment, "--dry-run", "--channel", "test")
    assert result.exit_code == 0, result.stderr
    sender = RecordingSender()
    deliver(
        session_factory,
        settings,
        sender,
        "reminder",
        registered.town_id,
        at("2024-05-20T09:00"),
        channel="test",
    )
    where = texts.say("cli.room_named", topic="白岩镇法治工作群", room="grp-1")
    assert result.stdout == f"将发送到：{where}\n{sender.texts[0]}\n"
    assert f"· {TITLES['rules']} @张三" in result.stdout
    # the job has sent it now: a dry run at the next Monday says it would not repeat it
    result = cli("remind", "--now", "2024-05-27T09:00:00+08:00", "--channel", "test")
    skipped = texts.say("cli.nothing_to_send", reason=texts.say("skipped.unchanged"))
    assert result.stdout.splitlines()[:2] == [skipped, texts.say("cli.would_say")]
    result = cli("remind", "--now", "2024-09-16T09:00:00+08:00", "--channel", "test")
    assert "9月16日" in result.stdout and "休息日" in result.stdout


def test_remind_dry_run_prints_the_message_even_with_nowhere_to_send(cli, registered):
    result = cli("remind", "--now", "2024-05-20T09:00:00+08:00")  # no wechaty room yet
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("（不发送）白岩镇还没有可发送的群")
    assert lines[1] == texts.say("cli.would_say")
    assert lines[2].startswith(
        texts.say("reminder.header", period="本季度", start="4月1日", end="6月30日")
    )


def test_remind_at_a_past_moment_ignores_records_dated_after_it(cli, session_factory, registered):
    add_fact(session_factory, registered.town_id, "disputes", date(2024, 5, 25))
    before = cli("remind", "--now", "2024-05-20T09:00:00+08:00", "--channel", "test")
    after = cli("remind", "--now", "2024-05-27T09:00:00+08:00", "--channel", "test")
    assert f"· {TITLES['disputes']}" in before.stdout
    assert f"· {TITLES['disputes']}" not in after.stdout


def test_cli_rejects_bad_input_politely(cli, registered):
    assert cli("remind", "--now", "next monday").exit_code == 1
    result = cli("owners", "set", "nosuch", "张三")
    assert result.exit_code == 1 and "nosuch" in result.stderr
    result = cli("schedule", "set", "--reminder-time", "25:61")
    assert result.exit_code == 1 and "25:61" in result.stderr
    result = cli("schedule", "set", "--supervisor-room", "不存在的群")
    assert result.exit_code == 1 and "不存在的群" in result.stderr
    result = cli("remind", "--town", "无此镇")
    assert result.exit_code == 1 and "白岩镇" in result.stderr


def test_schedule_jobs_and_owners_list_commands(cli, registered):
    assert cli("schedule", "set", "--reminder-day", "wed", "--off", "digest").exit_code == 0
    shown = cli("schedule")
    assert shown.exit_code == 0 and "每周三 09:00" in shown.stdout
    jobs = cli("jobs")
    assert jobs.exit_code == 0
    assert "年终报告初稿" in jobs.stdout and "月报" not in jobs.stdout  # digest switched off
    owners = cli("owners", "list")
    assert owners.exit_code == 0 and TITLES["disputes"] in owners.stdout


def test_year_end_draft_of_a_year_without_records_is_not_sent(
    settings, session_factory, registered
):
    def draft():
        moment = at("2024-12-16T09:00")
        town = registered.town_id
        return deliver(
            session_factory,
            settings,
            RecordingSender(),
            "draft_compiled",
            town,
            moment,
            channel="test",
        )

    empty = draft()
    assert empty.skipped == "no_records" and "2024年的记录" in empty.reason
    add_fact(session_factory, registered.town_id, "disputes", date(2024, 5, 6))
    sent = draft()
    assert sent.sends and sent.reply.file is not None
