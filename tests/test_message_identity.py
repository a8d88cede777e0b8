"""Message identity is (channel, room, id): exports that number messages per room lose
nothing and credit every fact to its own sender; the migration keeps old rows."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.channels.replay import CHANNEL, replay
from bot.dispatcher import Dispatcher
from bot.onboarding import ExportRegistrar
from bot.storage.models import Fact, Message, Person
from tests.ledger_helpers import ScriptedParser, logged

SCRIPT = {
    "今天调解纠纷3件": logged("今天调解纠纷3件", ("disputes", "调解矛盾纠纷", 3, "件")),
    "今天调解纠纷4件": logged("今天调解纠纷4件", ("disputes", "调解矛盾纠纷", 4, "件")),
}


def test_ids_restarting_per_room(tmp_path, settings, session_factory):
    lines = [
        {"id": 1, "room": "群1", "sender": "张三", "text": "今天调解纠纷3件"},
        {"id": 1, "room": "群2", "sender": "李四", "text": "今天调解纠纷4件"},
    ]
    export = tmp_path / "export.jsonl"
    export.write_text(
        "\n".join(
            json.dumps({"time": "2024-05-16T09:00:00+08:00", **line}, ensure_ascii=False)
            for line in lines
        )
        + "\n",
        encoding="utf-8",
    )
    bot = Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))
    admit = ExportRegistrar(session_factory, "白岩镇", CHANNEL).admit
    summary = replay(export, bot, admit=admit)
    assert summary.messages == 2 and summary.duplicates == 0 and summary.facts_logged == 2
    with session_factory() as session:
        credited = session.execute(
            select(Person.display_name, Fact.value).join(Person, Person.id == Fact.person_id)
        ).all()
        assert session.execute(select(Message)).scalars().all()
    assert sorted((name, int(value)) for name, value in credited) == [("张三", 3), ("李四", 4)]

    # one line at a time (the channels' path) agrees, and a rerun adds nothing
    again = replay(export, bot, admit=admit, batch_size=1)
    assert again.messages == 0 and again.duplicates == 2
