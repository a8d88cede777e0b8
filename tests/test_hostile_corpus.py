"""The hostile-input corpus through every way in, on SQLite and PostgreSQL (issue 11, "What
to build 2"): no crash, no valid line lost, no fact invented. The figures are printed;
`pytest tests/test_hostile_corpus.py -q -rA` shows them."""

from __future__ import annotations

import asyncio

from bot.channels.console import CHANNEL as CONSOLE
from bot.dispatcher import Dispatcher
from bot.storage.models import Town
from bot.storage.registry import add_person, bind_room
from tests import hostile_corpus as corpus

CASES = corpus.load_cases()


def _report(figures: corpus.Figures, database: str) -> None:
    print(figures.line(database))
    for name in ("crashes", "lost", "invented"):
        for case_id in getattr(figures, name)[:20]:
            case = next((c for c in CASES if c["case"] == case_id), {})
            print(f"  {name}: {case_id} {case.get('kind')} {case.get('what')}")
    assert (figures.crashes, figures.lost, figures.invented) == ([], [], [])


def _database(settings) -> str:
    return settings.effective_database_url.split(":", 1)[0].split("+", 1)[0]


def test_the_corpus_is_big_and_varied():
    kinds = {
        kind: sum(c["kind"] == kind for c in CASES)
        for kind in ("valid", "refused", "nothing", "malformed")
    }
    assert len(CASES) >= 300 and min(kinds.values()) >= 10, kinds
    assert len({c["case"] for c in CASES}) == len(CASES)


def test_parse(parser, tmp_path):
    _report(corpus.run_parse(parser, CASES, tmp_path), "no database")


def test_replay(settings, session_factory, parser, tmp_path):
    bot = Dispatcher(settings, session_factory, parser)
    _report(corpus.run_replay(bot, session_factory, CASES, tmp_path), _database(settings))


def test_console(settings, session_factory, parser, registered):
    with session_factory() as session:  # a staff member at the terminal, as onboarding does
        town = session.get(Town, registered.town_id)
        bind_room(session, CONSOLE, "console", town)
        add_person(session, CONSOLE, "zhang", town, display_name="张三")
        session.commit()
    bot = Dispatcher(settings, session_factory, parser)
    figures = corpus.run_console(bot, session_factory, "console", "zhang", CASES)
    _report(figures, _database(settings))


def test_wechaty_channel(settings, session_factory, parser):
    bot = Dispatcher(settings, session_factory, parser)
    figures = asyncio.run(corpus.run_wechaty(bot.handle, session_factory, settings, CASES))
    _report(figures, _database(settings))
