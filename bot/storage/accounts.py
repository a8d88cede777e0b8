"""Dashboard logins (table web_users): add, list, change password, remove.

Kept apart from the chat registry (people): a dashboard login is a person at a desk with a
password, not a WeChat member. Passwords arrive here already hashed (bot.web.passwords).
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Town, WebRole, WebUser

LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")


class AccountError(ValueError):
    """A request about accounts that cannot be met; `key` names the Chinese message."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def find_user(session: Session, login: str) -> WebUser | None:
    return session.execute(select(WebUser).where(WebUser.login == login)).scalar_one_or_none()


def list_users(session: Session) -> list[WebUser]:
    return list(session.execute(select(WebUser).order_by(WebUser.login)).scalars())


def add_user(
    session: Session,
    login: str,
    display_name: str,
    password_hash: str,
    role: str,
    town: Town | None,
) -> WebUser:
    """A new login: a supervisor needs a town, a county account has none."""
    if not LOGIN_PATTERN.match(login):
        raise AccountError("bad_login", login=login)
    if role not in WebRole.ALL:
        raise AccountError("bad_role", role=role)
    if role == WebRole.SUPERVISOR and town is None:
        raise AccountError("town_needed")
    if role == WebRole.COUNTY and town is not None:
        raise AccountError("county_no_town")
    if find_user(session, login) is not None:
        raise AccountError("login_taken", login=login)
    user = WebUser(
        login=login,
        display_name=display_name or login,
        password_hash=password_hash,
        role=role,
        town_id=town.id if town is not None else None,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, login: str, password_hash: str) -> WebUser:
    user = find_user(session, login)
    if user is None:
        raise AccountError("unknown_login", login=login)
    user.password_hash = password_hash
    return user


def remove_user(session: Session, login: str) -> None:
    user = find_user(session, login)
    if user is None:
        raise AccountError("unknown_login", login=login)
    session.delete(user)
