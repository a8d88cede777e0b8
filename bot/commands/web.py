"""`taizhang web`: serve the dashboard; `taizhang web user …`: its logins."""

from __future__ import annotations

import typer

from bot.commands.chinese import h, say
from bot.logs import configure_logging
from bot.settings import get_settings


def _ledger():
    from bot.storage import open_ledger

    return open_ledger(get_settings())


def _fail(key: str, **values) -> typer.Exit:
    typer.echo(say(f"web_{key}", **values), err=True)
    return typer.Exit(1)


def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, "--host", help=h("web.host")),
    port: int | None = typer.Option(None, "--port", help=h("web.port")),
) -> None:
    """Serve the dashboard unless a subcommand (user …) was given."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.web.app import serve as run_server

    settings = get_settings()
    configure_logging(settings.log_level)
    host = host or settings.web_host
    port = port or settings.web_port
    typer.echo(say("web_serving", host=host, port=port))
    run_server(settings, host, port)


def _password(given: str | None) -> str:
    from bot.web.passwords import MIN_LENGTH

    password = given or typer.prompt(
        say("web_password_prompt"), hide_input=True, confirmation_prompt=True
    )
    if len(password) < MIN_LENGTH:
        raise _fail("password_short", min=MIN_LENGTH)
    return password


def user_add(
    login: str = typer.Argument(..., help=h("web.user.login")),
    role: str = typer.Option(..., "--role", help=h("web.user.role")),
    town: str | None = typer.Option(None, "--town", help=h("web.user.town")),
    name: str | None = typer.Option(None, "--name", help=h("web.user.name")),
    password: str | None = typer.Option(None, "--password", help=h("web.user.password")),
) -> None:
    """Add a login (the password is stored hashed)."""
    from bot.storage.accounts import AccountError, add_user
    from bot.storage.registry import find_town
    from bot.web.passwords import hash_password

    secret = _password(password)
    with _ledger()() as session:
        row = find_town(session, town.strip()) if town else None
        if town and row is None:
            raise _fail("unknown_town", town=town)
        try:
            add_user(session, login, name or login, hash_password(secret), role, row)
        except AccountError as error:
            raise _fail(error.key, **error.values) from error
        session.commit()
    shown_town = f"，{row.name}" if row is not None else ""
    typer.echo(say("web_user_added", login=login, role=say(f"web_role_{role}"), town=shown_town))


def user_list() -> None:
    """List the logins."""
    from bot.storage.accounts import list_users

    with _ledger()() as session:
        users = list_users(session)
        if not users:
            typer.echo(say("web_no_users"))
        for user in users:
            town = user.town.name if user.town is not None else ""
            role = say(f"web_role_{user.role}")
            typer.echo(
                say("web_user_line", login=user.login, name=user.display_name, role=role, town=town)
            )


def user_passwd(
    login: str = typer.Argument(..., help=h("web.user.login")),
    password: str | None = typer.Option(None, "--password", help=h("web.user.password")),
) -> None:
    """Change a password (its sessions end)."""
    from bot.storage.accounts import AccountError, set_password
    from bot.web.passwords import hash_password

    secret = _password(password)
    with _ledger()() as session:
        try:
            set_password(session, login, hash_password(secret))
        except AccountError as error:
            raise _fail(error.key, **error.values) from error
        session.commit()
    typer.echo(say("web_password_set", login=login))


def user_remove(login: str = typer.Argument(..., help=h("web.user.login"))) -> None:
    """Remove a login (its sessions end)."""
    from bot.storage.accounts import AccountError, remove_user

    with _ledger()() as session:
        try:
            remove_user(session, login)
        except AccountError as error:
            raise _fail(error.key, **error.values) from error
        session.commit()
    typer.echo(say("web_user_removed", login=login))


def register(app: typer.Typer) -> None:
    web = typer.Typer(help=h("web.help"), no_args_is_help=False)
    web.callback(invoke_without_command=True)(serve)
    users = typer.Typer(help=h("web.user.help"), no_args_is_help=True)
    users.command("add", help=h("web.user.add"))(user_add)
    users.command("list", help=h("web.user.list"))(user_list)
    users.command("passwd", help=h("web.user.passwd"))(user_passwd)
    users.command("remove", help=h("web.user.remove"))(user_remove)
    web.add_typer(users, name="user")
    app.add_typer(web, name="web")
