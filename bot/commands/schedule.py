"""Scheduler commands: `taizhang schedule` (show/set per town), `owners` (who answers for
a section), `jobs` (every job and its next run), `remind --dry-run` (the reminder that
would be sent at a given moment, through the job's own code path)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from actions import replies
from bot.commands.chinese import h
from bot.scheduler import texts
from bot.settings import Settings, get_settings

console = Console()
errors = Console(stderr=True)

schedule_app = typer.Typer(help=h("schedule.help"))
owners_app = typer.Typer(help=h("owners.help"))


def say(key: str, **values) -> str:
    return texts.say(f"cli.{key}", **values)


def fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[red]{message}[/]")
    return typer.Exit(code)


def _ledger(settings: Settings):
    from bot.storage import open_ledger

    try:
        return open_ledger(settings)
    except Exception as error:
        cause = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise fail(replies.text("cli.ledger_failed", error=cause)) from error


def _town(session, name: str | None):
    from bot.storage.registry import find_town, list_towns

    towns = list_towns(session)
    names = texts.join([t.name for t in towns]) or say("no_towns")
    if name is None:
        if len(towns) == 1:
            return towns[0]
        raise fail(say("need_town", towns=names) if towns else say("no_towns"))
    town = find_town(session, name.strip())
    if town is None:
        raise fail(say("unknown_town", town=name, towns=names))
    return town


def _table(title: str, columns_key: str, rows: list[list]) -> Table:
    out = Table(title=title)
    for column in texts.node(f"cli.{columns_key}"):
        out.add_column(str(column))
    for row in rows:
        out.add_row(*["" if v is None else str(v) for v in row])
    return out


def _room_label(session, room: str | None, is_default: bool, channel: str = "wechaty") -> str:
    """The group by its name (and id), marked when it is the default one."""
    from bot.storage.registry import find_room

    if room is None:
        return say("none")
    found = find_room(session, channel, room)
    named = say("room_named", topic=found.topic, room=room) if found and found.topic else room
    return say("default_room", room=named) if is_default else named


# -- schedule -------------------------------------------------------------------------


@schedule_app.callback(invoke_without_command=True, help=h("schedule.help"))
def schedule_show(
    ctx: typer.Context, town: str | None = typer.Option(None, help=h("schedule.town"))
) -> None:
    """Show each town's jobs: rule, on/off and the room they post to."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.scheduler.config import town_plan
    from bot.scheduler.jobs import town_jobs
    from bot.storage.registry import list_towns

    settings = get_settings()
    with _ledger(settings)() as session:
        towns = [_town(session, town)] if town else list_towns(session)
        rows = []
        for row in towns:
            plan = town_plan(session, settings, row)
            for spec in town_jobs(plan, settings):
                default = (
                    plan.room_is_default
                    if spec.kind == "reminder"
                    else plan.supervisor_room_is_default
                )
                rows.append(
                    [
                        plan.town,
                        texts.say(f"kinds.{spec.kind}"),
                        spec.rule,
                        say("switched_on" if spec.enabled else "switched_off"),
                        _room_label(session, spec.room, default),
                    ]
                )
    if not rows:
        console.print(say("no_jobs"))
        return
    console.print(_table(say("schedule_title"), "schedule_columns", rows))


@schedule_app.command("set", help=h("schedule.set"))
def schedule_set(
    town: str | None = typer.Option(None, help=h("schedule.set_town")),
    reminder_day: str | None = typer.Option(None, help=h("schedule.reminder_day")),
    reminder_time: str | None = typer.Option(None, help=h("schedule.reminder_time")),
    digest_time: str | None = typer.Option(None, help=h("schedule.digest_time")),
    draft_time: str | None = typer.Option(None, help=h("schedule.draft_time")),
    room: str | None = typer.Option(None, help=h("schedule.room")),
    supervisor_room: str | None = typer.Option(None, help=h("schedule.supervisor_room")),
    on: list[str] = typer.Option([], "--on", help=h("schedule.switch_on")),
    off: list[str] = typer.Option([], "--off", help=h("schedule.switch_off")),
) -> None:
    """Change one town's schedule; the running bot picks it up within a minute."""
    from bot.scheduler.config import ScheduleError, find_town_room, set_schedule

    switches = {}
    for value, state in [(v, True) for v in on] + [(v, False) for v in off]:
        field = {"reminder": "reminder_enabled", "digest": "digest_enabled"}.get(value)
        field = field or ("drafts_enabled" if value in ("drafts", "draft") else None)
        if field is None:
            raise fail(say("bad_kind", value=value))
        switches[field] = state
    settings = get_settings()
    with _ledger(settings)() as session:
        target = _town(session, town)
        rooms = {}
        for key, value in (("room_id", room), ("supervisor_room_id", supervisor_room)):
            if value is not None:
                found = find_town_room(session, target, value)
                if found is None:
                    raise fail(say("unknown_room", town=target.name, room=value))
                rooms[key] = found.id
        try:
            set_schedule(
                session,
                target,
                reminder_day=reminder_day,
                reminder_time=reminder_time,
                digest_time=digest_time,
                draft_time=draft_time,
                **rooms,
                **switches,
            )
        except ScheduleError as error:
            bad = str(error)
            key = "bad_weekday" if bad == reminder_day else "bad_time"
            raise fail(say(key, value=bad)) from error
        session.commit()
        console.print(say("schedule_set", town=target.name))


# -- owners ---------------------------------------------------------------------------


def _section_or_exit(section: str) -> str:
    titles = texts.section_titles()
    if section in titles:
        return section
    for sid, title in titles.items():  # a Chinese short title works too
        if section == title:
            return sid
    raise fail(say("bad_section", section=section, sections=" ".join(titles)))


@owners_app.command("set", help=h("owners.set"))
def owners_set(
    section: str = typer.Argument(..., help=h("owners.section"), metavar=h("names.owners_section")),
    names: list[str] = typer.Argument(
        None, help=h("owners.names"), metavar=h("names.owners_names")
    ),
    town: str | None = typer.Option(None, help=h("schedule.set_town")),
) -> None:
    """Set who answers for a section (mentioned in its reminders)."""
    from bot.scheduler.config import set_owners

    section_id = _section_or_exit(section)
    settings = get_settings()
    with _ledger(settings)() as session:
        target = _town(session, town)
        owners = set_owners(session, target, section_id, list(names or []))
        session.commit()
        title = texts.section_title(section_id)
        if owners:
            joined = texts.join([o.name for o in owners])
            console.print(say("owners_set", town=target.name, title=title, names=joined))
        else:
            console.print(say("owners_cleared", town=target.name, title=title))


@owners_app.command("list", help=h("owners.list"))
def owners_list(town: str | None = typer.Option(None, help=h("schedule.town"))) -> None:
    """List section owners per town."""
    from bot.scheduler.config import owners_by_section
    from bot.storage.registry import list_towns

    settings = get_settings()
    with _ledger(settings)() as session:
        towns = [_town(session, town)] if town else list_towns(session)
        rows = []
        for row in towns:
            owners = owners_by_section(session, row.id)
            for section, title in texts.section_titles().items():
                names = owners.get(section)
                rows.append([row.name, title, texts.join(names) if names else say("none")])
    console.print(_table(say("owners_title"), "owners_columns", rows))


# -- jobs and remind ------------------------------------------------------------------


def jobs_command() -> None:
    """List every scheduled job with its next run (from the job store when registered)."""
    from bot.scheduler.jobs import JOB_PREFIX, desired_jobs, stored_next_runs

    settings = get_settings()
    zone = ZoneInfo(settings.timezone)
    now = datetime.now(zone)
    with _ledger(settings)() as session:
        specs = desired_jobs(session, settings)
        stored = stored_next_runs(session, zone)
    rows = []
    for spec in specs:
        registered = spec.id in stored
        next_run = stored[spec.id] if registered else spec.trigger.get_next_fire_time(None, now)
        rows.append(
            [
                spec.id.removeprefix(JOB_PREFIX),
                spec.town,
                texts.say(f"kinds.{spec.kind}"),
                next_run.astimezone(zone).strftime("%Y-%m-%d %H:%M") if next_run else "",
                say("registered" if registered else "not_registered"),
            ]
        )
    if not rows:
        console.print(say("no_jobs"))
        return
    console.print(_table(say("jobs_title"), "jobs_columns", rows))
    if not all(spec.id in stored for spec in specs):
        console.print(say("jobs_note"))


def remind_command(
    town: str | None = typer.Option(None, help=h("schedule.set_town")),
    now: str | None = typer.Option(None, help=h("remind.now")),
    dry_run: bool = typer.Option(True, "--dry-run", help=h("remind.dry_run")),
    channel: str = typer.Option("wechaty", help=h("remind.channel")),
) -> None:
    """Print exactly the coverage reminder the job would send at --now (or why none)."""
    from bot.scheduler.deliveries import plan

    if not dry_run:
        raise fail(say("send_from_bot"))
    settings = get_settings()
    zone = ZoneInfo(settings.timezone)
    try:
        moment = datetime.fromisoformat(now) if now else datetime.now(zone)
    except ValueError as error:
        raise fail(say("bad_now", value=now)) from error
    with _ledger(settings)() as session:
        target = _town(session, town)
        delivery = plan(session, settings, "reminder", target.id, moment, channel=channel)
        where = _room_label(session, delivery.room, False, channel)
    # One stream, in order: where it goes (or why not), then the message itself.
    if delivery.sends:
        typer.echo(say("would_send_to", room=where))
    else:
        typer.echo(say("nothing_to_send", reason=delivery.reason))
    if delivery.reply is not None:
        if not delivery.sends:
            typer.echo(say("would_say"))
        typer.echo(delivery.reply.text)


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
    app.add_typer(owners_app, name="owners")
    app.command("jobs", help=h("jobs"))(jobs_command)
    app.command("remind", help=h("remind.help"))(remind_command)
