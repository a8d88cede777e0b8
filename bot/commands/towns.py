"""`taizhang towns rename|remove` and `taizhang admin`: an administrator's changes to who
and what is registered, beyond adding (which lives with the listings in ledger.py)."""

from __future__ import annotations

import typer

from bot.commands.chinese import h
from bot.commands.ledger import console, fail, open_ledger_or_exit, say, town_or_exit, towns_app
from bot.settings import get_settings


@towns_app.command("rename", help=h("towns.rename"))
def towns_rename(
    old: str = typer.Argument(..., help=h("towns.old"), metavar=h("names.towns_old")),
    new: str = typer.Argument(..., help=h("towns.new"), metavar=h("names.towns_new")),
) -> None:
    """Rename a town; its rooms, people and ledger stay with it."""
    from bot.storage.registry import RegistryError, find_town, valid_town_name
    from bot.storage.removal import rename_town

    if not valid_town_name(new.strip()):
        raise fail(say("town_bad_name", town=new))
    with open_ledger_or_exit(get_settings())() as session:
        town = town_or_exit(session, old)
        if find_town(session, new.strip()) is not None:
            raise fail(say("town_exists", town=new))
        try:
            rename_town(session, town, new)
        except RegistryError as error:  # checked above; a race with another rename
            raise fail(say("town_exists", town=new)) from error
        session.commit()
    console.print(say("town_renamed", old=old, new=new.strip()), markup=False)


@towns_app.command("remove", help=h("towns.remove"))
def towns_remove(
    name: str = typer.Argument(..., help=h("towns.name"), metavar=h("names.towns_name")),
    force: bool = typer.Option(False, "--force", help=h("towns.force")),
) -> None:
    """Remove a town: at once when it holds nothing, else only with --force, after an export."""
    from bot.storage.removal import contents, export_town, remove_town

    settings = get_settings()
    with open_ledger_or_exit(settings)() as session:
        town = town_or_exit(session, name)
        held = contents(session, town)
        if not held.empty and not force:
            raise fail(
                say(
                    "town_not_empty",
                    town=town.name,
                    rooms=held.rooms,
                    people=held.people,
                    facts=held.facts,
                    messages=held.messages,
                )
            )
        folder = None
        if not held.empty:
            folder = export_town(session, town, settings.data_dir / "exports", settings.timezone)
            console.print(say("town_exported", town=town.name, path=folder), markup=False)
        remove_town(session, town)
        session.commit()
    console.print(say("town_removed", town=name), markup=False)


def admin_command(
    who: str = typer.Argument(..., help=h("admin.who"), metavar=h("names.admin_who")),
    town: str | None = typer.Option(None, help=h("admin.town")),
) -> None:
    """Make a registered person (by name or channel id) an admin of their town."""
    from bot.storage.models import Town
    from bot.storage.registry import find_people

    with open_ledger_or_exit(get_settings())() as session:
        only = town_or_exit(session, town) if town else None
        found = find_people(session, who.strip(), only)
        if not found:
            raise fail(say("admin_not_found", who=who))
        if len(found) > 1:
            listed = "、".join(
                f"{p.display_name}（{p.channel}:{p.channel_person_id}，"
                f"{session.get(Town, p.town_id).name}）"
                for p in found
            )
            raise fail(say("admin_ambiguous", who=who, people=listed))
        (person,) = found
        person.role = "admin"
        session.commit()
        town_name = session.get(Town, person.town_id).name
        console.print(say("admin_set", name=person.display_name, town=town_name), markup=False)


def register(app: typer.Typer) -> None:
    app.command("admin", help=h("admin.help"))(admin_command)
