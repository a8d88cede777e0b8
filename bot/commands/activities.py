"""`taizhang activities`: the activity names in the ledger, and merging or renaming them
(bot.storage.activities records each change so it can be listed and undone)."""

from __future__ import annotations

import getpass

import typer

from bot.commands.chinese import h
from bot.commands.ledger import console, fail, open_ledger_or_exit, say, table, town_or_exit
from bot.settings import get_settings

activities_app = typer.Typer(help=h("activities.help"))


def _who(by: str | None) -> str:
    return (by or "").strip() or getpass.getuser()


@activities_app.callback(invoke_without_command=True, help=h("activities.help"))
def activities_main(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        activities_list(town=None)


@activities_app.command("list", help=h("activities.list"))
def activities_list(town: str | None = typer.Option(None, help=h("activities.town"))) -> None:
    """Activity names with active facts: new ones (not in the catalogue) first."""
    from bot.storage.activities import ledger_activities
    from nlu.sections import short_titles

    titles = short_titles()
    with open_ledger_or_exit(get_settings())() as session:
        only = town_or_exit(session, town).id if town else None
        found = ledger_activities(session, only)
    rows = [
        [
            a.name,
            "、".join(titles.get(s, s) for s in a.sections),
            a.facts,
            "、".join(a.units),
            say("activity_catalogued") if a.catalogued else say("activity_new"),
        ]
        for a in found
    ]
    console.print(table(say("activities_title"), "activities_columns", rows))


def _change(kind: str, source: str, target: str, by: str | None) -> None:
    from bot.storage import activities

    with open_ledger_or_exit(get_settings())() as session:
        try:
            record = getattr(activities, kind)(session, source, target, _who(by))
        except activities.ActivityError as error:
            raise fail(say(error.key, **error.values)) from error
        session.commit()
        moved = activities.moved(record)
    console.print(
        say(f"activity_{kind}d", source=source.strip(), target=target.strip(), facts=moved),
        markup=False,
    )


@activities_app.command("merge", help=h("activities.merge"))
def activities_merge(
    source: str = typer.Argument(..., help=h("activities.source"), metavar=h("names.activity_a")),
    target: str = typer.Argument(..., help=h("activities.target"), metavar=h("names.activity_b")),
    by: str | None = typer.Option(None, help=h("activities.by")),
) -> None:
    _change("merge", source, target, by)


@activities_app.command("rename", help=h("activities.rename"))
def activities_rename(
    source: str = typer.Argument(..., help=h("activities.source"), metavar=h("names.activity_a")),
    target: str = typer.Argument(..., help=h("activities.new"), metavar=h("names.activity_b")),
    by: str | None = typer.Option(None, help=h("activities.by")),
) -> None:
    _change("rename", source, target, by)


@activities_app.command("history", help=h("activities.history"))
def activities_history() -> None:
    from bot.storage.activities import history, moved

    with open_ledger_or_exit(get_settings())() as session:
        rows = [
            [
                r.id,
                say(f"activity_kind_{r.kind}"),
                r.source,
                r.target,
                moved(r),
                r.made_by,
                r.made_at.strftime("%Y-%m-%d %H:%M"),
                f"{r.undone_by} {r.undone_at:%Y-%m-%d %H:%M}" if r.undone_at else "",
            ]
            for r in history(session)
        ]
    console.print(table(say("activity_history_title"), "activity_history_columns", rows))


@activities_app.command("undo", help=h("activities.undo"))
def activities_undo(
    merge_id: int = typer.Argument(..., help=h("activities.merge_id"), metavar=h("names.merge_id")),
    by: str | None = typer.Option(None, help=h("activities.by")),
) -> None:
    from bot.storage.activities import ActivityError, undo

    with open_ledger_or_exit(get_settings())() as session:
        try:
            record = undo(session, merge_id, _who(by))
        except ActivityError as error:
            raise fail(say(error.key, **error.values)) from error
        session.commit()
        source, target = record.source, record.target
    console.print(say("activity_undone", id=merge_id, source=source, target=target), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(activities_app, name="activities")
