"""Ledger commands: console, replay, facts export, the review queue, and who belongs where
(towns, rooms, people). Every command opens the ledger through bot.storage.open_ledger,
so TAIZHANG_DATABASE_URL (or the SQLite file in the data directory) is always honoured."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.orm import sessionmaker

from actions import replies
from bot.commands.chinese import h
from bot.logs import configure_logging
from bot.paths import safe_file_stem
from bot.settings import Settings, get_settings

console = Console()
errors = Console(stderr=True)


def say(key: str, **values) -> str:
    return replies.text(f"cli.{key}", **values)


def fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(message, style="red", markup=False)
    return typer.Exit(code)


def open_ledger_or_exit(settings: Settings) -> sessionmaker:
    from bot.storage import open_ledger

    try:
        return open_ledger(settings)
    except Exception as error:
        # the driver's own first line, without SQLAlchemy's wrapper and background link
        cause = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise fail(say("ledger_failed", error=cause)) from error


def load_parser_or_exit(settings: Settings):
    from nlu.parser import load_parser

    try:
        with errors.status(say("loading_model")):
            return load_parser(settings)
    except Exception as error:
        raise fail(say("model_failed", error=error), 2) from error


def town_or_exit(session, name: str):
    from bot.storage.registry import find_town, list_towns

    town = find_town(session, name)
    if town is None:
        names = "、".join(t.name for t in list_towns(session)) or say("no_towns")
        raise fail(say("unknown_town", town=name, towns=names))
    return town


def _columns(key: str) -> list[str]:
    return list(replies.templates()["cli"][key])


def table(title: str, columns_key: str, rows: list[list]) -> Table:
    out = Table(title=title)
    for column in _columns(columns_key):
        out.add_column(column)
    for row in rows:
        out.add_row(*["" if v is None else str(v) for v in row])
    return out


# -- console and replay ---------------------------------------------------------------


def console_command(
    room: str | None = typer.Option(None, help=h("console.room")),
    sender: str | None = typer.Option(None, help=h("console.sender")),
    town: str | None = typer.Option(None, help=h("console.town")),
) -> None:
    """Chat with the bot in the terminal (the embedded default channel)."""
    from bot.channels.console import CHANNEL, DEFAULT_ROOM, ConsoleChannel, local_user
    from bot.onboarding import console_session

    settings = get_settings()
    configure_logging("WARNING")
    session_factory = open_ledger_or_exit(settings)
    parser = load_parser_or_exit(settings)
    chat = console_session(
        settings,
        session_factory,
        parser,
        CHANNEL,
        room or DEFAULT_ROOM,
        sender or local_user(),
        town,
    )
    ConsoleChannel.for_session(chat).run()


def replay_command(
    path: Path = typer.Argument(..., help=h("replay.path"), metavar=h("names.replay_path")),
    town: str | None = typer.Option(None, help=h("replay.town")),
) -> None:
    """Import a group-chat export through the bot, line by line (idempotent)."""
    from bot.channels.replay import CHANNEL, count_lines, replay
    from bot.dispatcher import Dispatcher
    from bot.onboarding import ExportRegistrar
    from bot.storage.registry import list_towns

    settings = get_settings()
    configure_logging("WARNING")
    if not path.is_file():
        raise fail(say("file_missing", path=path))
    session_factory = open_ledger_or_exit(settings)
    if town is None:  # one town is the obvious one; otherwise ask, never invent one
        with session_factory() as session:
            towns = list_towns(session)
        if len(towns) != 1:
            names = "、".join(t.name for t in towns) or say("no_towns")
            raise fail(say("replay_need_town", towns=names))
        town = towns[0].name
    parser = load_parser_or_exit(settings)
    dispatcher = Dispatcher(settings, session_factory, parser)
    total = count_lines(path)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=False,
    )
    with progress:
        task = progress.add_task(say("replay_progress"), total=total)
        registrar = ExportRegistrar(session_factory, town, CHANNEL)
        summary = replay(
            path,
            dispatcher,
            admit=registrar.admit,
            on_line=lambda n: progress.update(task, completed=n),
        )
    rejects = keep_bad_lines(summary.bad_lines, settings.data_dir, path)
    print_replay_summary(summary, registrar, path, town, rejects)


def keep_bad_lines(bad_lines: list, data_dir: Path, export: Path) -> Path | None:
    """Write the bad lines, verbatim, to one file in the data directory for review and
    re-import once fixed; None when there are none."""
    if not bad_lines:
        return None
    folder = data_dir / "replay-rejects"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    target = folder / f"{safe_file_stem(export.stem)}-{stamp}.jsonl"
    with target.open("w", encoding="utf-8") as out:
        for bad in bad_lines:
            out.write(bad.raw.rstrip("\r\n") + "\n")
    return target


def print_replay_summary(
    summary, registrar, path: Path, town: str, rejects: Path | None = None
) -> None:
    from bot.storage.models import MessageStatus

    labels = replies.templates()["cli"]["replay_rows"]
    figures = {
        "lines": summary.lines,
        "messages": summary.messages,
        "duplicates": summary.duplicates,
        "facts_logged": summary.facts_logged,
        "corrections": summary.corrections,
        "ignored": summary.ignored,
        "not_understood": summary.not_understood,
        "failed": summary.failed,
        "answered": summary.statuses[MessageStatus.ANSWERED]
        + summary.statuses[MessageStatus.CORRECTION_UNMATCHED],
        "unregistered": summary.statuses[MessageStatus.UNREGISTERED],
        "bad_lines": len(summary.bad_lines),
        "pictures": len(summary.pictures),
    }
    # The title on its own line: as a table title it wraps at the narrow table's width.
    console.print(say("replay_title", path=path), soft_wrap=True)
    out = Table(show_header=False)
    out.add_column(justify="left")
    out.add_column(justify="right")
    for key, value in figures.items():
        out.add_row(labels[key], str(value))
    console.print(out)
    if summary.encoding not in ("utf-8", "utf-8-sig"):
        console.print(say("replay_encoding", encoding=summary.encoding.upper()), markup=False)
    if registrar.rooms_registered:
        rooms = "、".join(registrar.rooms_registered)
        console.print(say("replay_registered_rooms", town=town, rooms=rooms), markup=False)
    if registrar.people_registered:
        console.print(say("replay_registered_people", count=len(registrar.people_registered)))
    for bad in summary.bad_lines:
        reason = say(f"bad_line_reasons.{bad.reason}", detail=bad.detail)
        errors.print(say("bad_line", number=bad.number, reason=reason), markup=False)
    if rejects is not None:
        kept = say("bad_lines_kept", count=len(summary.bad_lines), path=rejects)
        errors.print(kept, markup=False, soft_wrap=True)


# -- export ---------------------------------------------------------------------------


class ExportFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


def facts_command(
    year: int = typer.Option(date.today().year, help=h("facts.year")),
    town: str | None = typer.Option(None, help=h("facts.town")),
    fmt: ExportFormat = typer.Option(ExportFormat.csv, "--format", help=h("facts.format")),
    output: Path | None = typer.Option(None, "-o", "--output", help=h("facts.output")),
) -> None:
    """Export every active fact of a year with its sender and original message."""
    from actions.replies import section_titles
    from bot.storage.export import fact_rows, write

    settings = get_settings()
    configure_logging("WARNING")
    if fmt is ExportFormat.xlsx and output is None:  # a spreadsheet never goes to a terminal
        name = say("facts_file", town=town or say("all_towns"), year=year)
        output = settings.data_dir / "exports" / f"{safe_file_stem(name)}.xlsx"
        output.parent.mkdir(parents=True, exist_ok=True)
    session_factory = open_ledger_or_exit(settings)
    with session_factory() as session:
        town_id = town_or_exit(session, town).id if town else None
        rows = fact_rows(
            session,
            year,
            town_id=town_id,
            section_titles=section_titles(),
            timezone=settings.timezone,
        )
    content = write(rows, fmt.value, output)
    if content is not None:
        sys.stdout.write(content)
    else:
        errors.print(say("facts_written", count=len(rows), path=output))


# -- review queue ---------------------------------------------------------------------

review_app = typer.Typer(help=h("review.help"))


@review_app.callback(invoke_without_command=True, help=h("review.help"))
def review_list(ctx: typer.Context, limit: int = typer.Option(50, help=h("review.limit"))) -> None:
    """List the review queue (not understood / low confidence), oldest first."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.storage.listing import review_queue

    settings = get_settings()
    session_factory = open_ledger_or_exit(settings)
    with session_factory() as session:
        rows = review_queue(session, limit)
    if not rows:
        console.print(say("review_empty"))
        return
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(settings.timezone)
    console.print(
        table(
            say("review_title", count=len(rows)),
            "review_columns",
            [
                [
                    m.id,
                    m.sent_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                    m.channel_room_id,
                    m.sender_name or m.channel_sender_id,
                    m.text[:60],
                    m.intent,
                    f"{m.confidence:.2f}" if m.confidence is not None else "",
                    (m.note or "")[:40],
                ]
                for m in rows
            ],
        )
    )


def _queued(session, message_id: int):
    from bot.storage.models import Message, MessageStatus

    message = session.get(Message, message_id)
    if message is None or message.status not in MessageStatus.REVIEW_QUEUE:
        raise fail(say("review_not_found", id=message_id))
    return message


@review_app.command("dismiss", help=h("review.dismiss"))
def review_dismiss(
    message_id: int = typer.Argument(
        ..., help=h("review.message_id"), metavar=h("names.review_message_id")
    ),
    note: str | None = typer.Option(None, help=h("review.note")),
) -> None:
    """Take a message off the review queue without logging anything."""
    from bot.storage.models import MessageStatus

    session_factory = open_ledger_or_exit(get_settings())
    with session_factory() as session:
        message = _queued(session, message_id)
        message.status = MessageStatus.REVIEW_DISMISSED
        if note:
            message.note = note
        session.commit()
    console.print(say("review_dismissed", id=message_id))


def section_id(name: str) -> str:
    """A section's id from its id, report title or short title; ValueError (in Chinese,
    listing the sections) for anything else, so no record lands outside the report."""
    from nlu.sections import sections

    name = name.strip()
    for section in sections():
        if name in (section.id, section.title, section.short_title):
            return section.id
    titles = "、".join(s.short_title for s in sections())
    raise ValueError(say("review_bad_section", section=name, sections=titles))


def parse_fact_option(raw: str, default_day: date):
    """'板块=矛盾纠纷预防化解,事项=调解矛盾纠纷,数量=3,单位=件[,日期=…][,地点=…]'; the
    English keys (section=disputes,activity=…,value=…,unit=…) work too."""
    from bot.commands.chinese import fact_key
    from nlu.result import Fact as ParsedFact

    fields = {}
    for part in raw.replace("，", ",").replace("＝", "=").split(","):
        if "=" not in part:
            raise ValueError(say("review_fact_part", part=part))
        key, value = part.split("=", 1)
        fields[fact_key(key)] = value.strip()
    missing = [k for k in ("section", "activity", "value", "unit") if not fields.get(k)]
    if missing:
        raise ValueError(
            say("review_fact_missing", keys="、".join(say(f"fact_names.{k}") for k in missing))
        )
    try:
        day = date.fromisoformat(fields["date"]) if fields.get("date") else default_day
        value = float(fields["value"])
    except ValueError as error:
        raise ValueError(say("review_fact_value", error=error)) from error
    return ParsedFact(
        section=section_id(fields["section"]),
        activity=fields["activity"],
        value=value,
        unit=fields["unit"],
        date=day,
        place=fields.get("place") or None,
    )


def _stored_guess(message) -> list:
    from nlu.result import Fact as ParsedFact

    if not message.parse_json:
        return []
    data = json.loads(message.parse_json)
    return [ParsedFact.from_dict(f) for f in data.get("facts") or []]


@review_app.command("assign", help=h("review.assign"))
def review_assign(
    message_id: int = typer.Argument(
        ..., help=h("review.message_id"), metavar=h("names.review_message_id")
    ),
    intent: str = typer.Argument(..., help=h("review.intent"), metavar=h("names.review_intent")),
    fact: list[str] = typer.Option([], help=h("review.fact")),
) -> None:
    """Decide what a queued message was; log_activity records its facts in the ledger."""
    from zoneinfo import ZoneInfo

    from actions.log import describe, store_facts
    from bot.commands.chinese import intent_id, intent_name, intent_names
    from bot.storage.feedback import ASSIGNED_MARK
    from bot.storage.models import MessageStatus, Person, Room, Town
    from nlu.result import INTENTS

    named, intent = intent, intent_id(intent)
    if intent not in INTENTS:
        raise fail(say("review_bad_intent", intent=named, intents="、".join(intent_names())))
    settings = get_settings()
    session_factory = open_ledger_or_exit(settings)
    with session_factory() as session:
        message = _queued(session, message_id)
        message.intent = intent
        if intent != "log_activity":
            message.status = (
                MessageStatus.IGNORED if intent == "out_of_scope" else MessageStatus.REVIEW_ASSIGNED
            )
            session.commit()
            console.print(say("review_assigned", id=message_id, intent=intent_name(intent)))
            return
        person = session.get(Person, message.person_id) if message.person_id else None
        room = session.get(Room, message.room_id) if message.room_id else None
        if person is None or (message.channel_room_id is not None and room is None):
            raise fail(say("review_unregistered", id=message_id))
        local_day = message.sent_at.astimezone(ZoneInfo(settings.timezone)).date()
        try:
            facts = [parse_fact_option(raw, local_day) for raw in fact] or _stored_guess(message)
        except ValueError as error:
            raise fail(say("review_bad_fact", error=error)) from error
        if not facts:
            raise fail(say("review_no_facts", id=message_id))
        town = session.get(Town, room.town_id if room else person.town_id)
        rows = store_facts(session, message, facts, person=person, town=town, room=room)
        message.status = MessageStatus.LOGGED
        message.note = f"{message.note or ''} {ASSIGNED_MARK}".strip()
        session.commit()
        items, when = describe(rows, local_day)
        console.print(say("review_logged", id=message_id, items=items + when))


# -- towns, rooms, people -------------------------------------------------------------

towns_app = typer.Typer(help=h("towns.help"))
rooms_app = typer.Typer(help=h("rooms.help"))
people_app = typer.Typer(help=h("people.help"))


@towns_app.callback(invoke_without_command=True, help=h("towns.help"))
def towns_list(ctx: typer.Context) -> None:
    """List towns with their room and people counts."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.storage.listing import towns_with_counts

    session_factory = open_ledger_or_exit(get_settings())
    with session_factory() as session:
        rows = [[t.id, t.name, rooms, people] for t, rooms, people in towns_with_counts(session)]
    console.print(table(say("towns_title"), "towns_columns", rows))


@towns_app.command("add", help=h("towns.add"))
def towns_add(
    name: str = typer.Argument(..., help=h("towns.name"), metavar=h("names.towns_name")),
) -> None:
    """Register a town."""
    from bot.storage.registry import get_or_create_town

    session_factory = open_ledger_or_exit(get_settings())
    with session_factory() as session:
        town = get_or_create_town(session, name)
        session.commit()
        console.print(say("town_added", town=town.name))


@rooms_app.callback(invoke_without_command=True, help=h("rooms.help"))
def rooms_list(ctx: typer.Context) -> None:
    """List registered rooms."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.storage.listing import rooms_with_towns

    session_factory = open_ledger_or_exit(get_settings())
    with session_factory() as session:
        rows = [
            [
                r.id,
                r.channel,
                r.channel_room_id,
                r.topic,
                name,
                say("answer_yes" if r.mentions_only else "answer_no"),
            ]
            for r, name in rooms_with_towns(session)
        ]
    console.print(table(say("rooms_title"), "rooms_columns", rows))


@rooms_app.command("bind", help=h("rooms.bind"))
def rooms_bind(
    room: str = typer.Argument(..., help=h("rooms.room"), metavar=h("names.rooms_room")),
    town: str = typer.Option(..., help=h("rooms.town")),
    channel: str = typer.Option("wechaty", help=h("people.channel")),
    topic: str | None = typer.Option(None, help=h("rooms.topic")),
    mentions_only: bool | None = typer.Option(
        None, "--mentions-only/--all-messages", help=h("rooms.mentions_only")
    ),
) -> None:
    """Register a room to a town (or move it, or change its mentions-only setting)."""
    from bot.storage.registry import bind_room, get_or_create_town

    session_factory = open_ledger_or_exit(get_settings())
    with session_factory() as session:
        target = get_or_create_town(session, town)
        bound = bind_room(session, channel, room, target, topic=topic, mentions_only=mentions_only)
        session.commit()
        console.print(
            say(
                "room_bound",
                room=room,
                channel=channel,
                town=target.name,
                mentions_only=say("answer_yes" if bound.mentions_only else "answer_no"),
            )
        )


@people_app.callback(invoke_without_command=True, help=h("people.help"))
def people_list(
    ctx: typer.Context, town: str | None = typer.Option(None, help=h("people.town"))
) -> None:
    """List registered people."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.storage.listing import people_with_towns

    session_factory = open_ledger_or_exit(get_settings())
    with session_factory() as session:
        town_id = town_or_exit(session, town).id if town else None
        rows = [
            [
                p.id,
                p.channel,
                p.channel_person_id,
                p.display_name,
                name,
                replies.text(f"roles.{p.role}"),
            ]
            for p, name in people_with_towns(session, town_id)
        ]
    console.print(table(say("people_title"), "people_columns", rows))


@people_app.command("add", help=h("people.add"))
def people_add(
    person_id: str = typer.Argument(
        ..., help=h("people.person_id"), metavar=h("names.people_person_id")
    ),
    town: str = typer.Option(..., help=h("people.person_town")),
    name: str | None = typer.Option(None, help=h("people.name")),
    role: str = typer.Option("staff", help=h("people.role")),
    channel: str = typer.Option("wechaty", help=h("people.channel")),
) -> None:
    """Register a person (or update their town, name and role)."""
    from bot.storage.models import ROLES
    from bot.storage.registry import add_person

    if role not in ROLES:
        raise fail(say("bad_role", role=role))
    session_factory = open_ledger_or_exit(get_settings())
    with session_factory() as session:
        target = town_or_exit(session, town)
        person = add_person(session, channel, person_id, target, display_name=name, role=role)
        session.commit()
        console.print(
            say(
                "person_added",
                name=person.display_name,
                channel=channel,
                id=person_id,
                town=target.name,
                role=replies.text(f"roles.{role}"),
            )
        )


@people_app.command("role", help=h("people.set_role"))
def people_role(
    person_id: str = typer.Argument(
        ..., help=h("people.person_id"), metavar=h("names.people_person_id")
    ),
    role: str = typer.Argument(..., help=h("people.role"), metavar=h("names.people_role")),
    channel: str = typer.Option("wechaty", help=h("people.channel")),
) -> None:
    """Change a person's role."""
    from bot.storage.models import ROLES
    from bot.storage.registry import find_person

    if role not in ROLES:
        raise fail(say("bad_role", role=role))
    session_factory = open_ledger_or_exit(get_settings())
    with session_factory() as session:
        person = find_person(session, channel, person_id)
        if person is None:
            raise fail(say("person_not_found", id=person_id, channel=channel))
        person.role = role
        session.commit()
        console.print(say("role_set", name=person.display_name, role=replies.text(f"roles.{role}")))


def register(app: typer.Typer) -> None:
    app.command("console", help=h("console.help"))(console_command)
    app.command("replay", help=h("replay.help"))(replay_command)
    app.command("facts", help=h("facts.help"))(facts_command)
    app.add_typer(review_app, name="review")
    app.add_typer(towns_app, name="towns")
    app.add_typer(rooms_app, name="rooms")
    app.add_typer(people_app, name="people")
