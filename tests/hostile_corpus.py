"""The hostile-input corpus (tests/data/hostile_corpus.jsonl) run through each way in:
`parse --jsonl`, the console, replay of an export and the Wechaty channel.

Each run ends in the same three figures, judged from the ledger (or, for parse, from the
published facts): crashes (a case that raised, or was stored as `failed`), lost valid lines
(a real report whose facts are not all stored) and invented facts (a stored fact no case
wrote). tests/test_hostile_corpus.py asserts they are all zero on SQLite and PostgreSQL;
`pytest tests/test_hostile_corpus.py -q -rA` prints them.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from bot.storage.models import Fact, FactStatus, Message, MessageStatus
from nlu.result import INTENTS

CORPUS = Path(__file__).with_name("data") / "hostile_corpus.jsonl"
DEFAULTS = {"time": "2024-05-16T09:00:00+08:00", "room": "群1", "sender": "张三"}


@dataclass
class Figures:
    path: str
    cases: int = 0
    crashes: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # valid cases with facts missing
    invented: list[str] = field(default_factory=list)  # cases with a fact nobody wrote
    statuses: Counter = field(default_factory=Counter)

    def line(self, database: str) -> str:
        return (
            f"hostile corpus | {self.path:8} | {database:10} | cases {self.cases} | "
            f"crashes {len(self.crashes)} | lost valid lines {len(self.lost)} | "
            f"invented facts {len(self.invented)} | {dict(sorted(self.statuses.items()))}"
        )


def load_cases() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def text_cases(cases: Iterable[dict]) -> list[dict]:
    """The cases that are a message text (the malformed ones are export lines)."""
    return [case for case in cases if case["kind"] != "malformed"]


def _fact_key(section: str, value: float, unit: str) -> tuple[str, float, str]:
    return section, float(value), unit


def judge(figures: Figures, case: dict, stored: list[tuple[str, float, str]]) -> None:
    """Add one case's stored (or published) facts to the figures."""
    expected = Counter(_fact_key(*fact) for fact in case.get("facts") or [])
    found = Counter(stored)
    if case["kind"] == "valid" and expected - found:
        figures.lost.append(case["case"])
    if found - expected:
        figures.invented.append(case["case"])


def stored_facts(session_factory, channel: str) -> dict[str, list[tuple[str, float, str]]]:
    """Active facts per channel message id."""
    with session_factory() as session:
        rows = session.execute(
            select(Message.channel_message_id, Fact.section, Fact.value, Fact.unit)
            .join(Fact, Fact.message_id == Message.id)
            .where(Message.channel == channel, Fact.status == FactStatus.ACTIVE)
        ).all()
    found: dict[str, list[tuple[str, float, str]]] = {}
    for message_id, section, value, unit in rows:
        found.setdefault(message_id, []).append(_fact_key(section, value, unit))
    return found


def statuses(session_factory, channel: str) -> dict[str, str]:
    with session_factory() as session:
        rows = session.execute(
            select(Message.channel_message_id, Message.status).where(Message.channel == channel)
        ).all()
    return dict(rows)


def judge_ledger(
    figures: Figures, cases: list[dict], session_factory, channel: str, ids: dict[str, str]
) -> Figures:
    """Judge every case by what the ledger holds for its message (`ids`: case -> id)."""
    facts = stored_facts(session_factory, channel)
    status = statuses(session_factory, channel)
    for case in cases:
        message_id = ids.get(case["case"])
        state = status.get(message_id) if message_id is not None else None
        figures.statuses[state or "not stored"] += 1
        if state == MessageStatus.FAILED:
            figures.crashes.append(case["case"])
        judge(figures, case, facts.get(message_id, []) if message_id else [])
    figures.cases = len(cases)
    return figures


# ---- parse --jsonl ---------------------------------------------------------------------


def run_parse(parser, cases: list[dict], tmp: Path) -> Figures:
    """`taizhang parse --jsonl` over every text: one answer per line, facts as written."""
    from bot.commands.nlu import _parse_jsonl

    cases = text_cases(cases)
    path = tmp / "parse.jsonl"
    lines = [
        json.dumps({"id": c["case"], "text": c["text"], "now": DEFAULTS["time"]}) for c in cases
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    figures = Figures("parse", cases=len(cases))
    with contextlib.redirect_stdout(out):
        _parse_jsonl(parser, path, "Asia/Shanghai")
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    by_id = {a.get("id"): a for a in answers}
    for case in cases:
        answer = by_id.get(case["case"])
        if answer is None or "error" in answer or answer["intent"] not in INTENTS:
            figures.crashes.append(case["case"])
            continue
        figures.statuses[answer["intent"]] += 1
        published = [_fact_key(f["section"], f["value"], f["unit"]) for f in answer["facts"]]
        if case["kind"] == "refused":  # read as written; the ledger is what refuses it
            published = []
        judge(figures, case, published)
    return figures


# ---- replay ----------------------------------------------------------------------------


def export_lines(cases: list[dict]) -> list[str]:
    lines = []
    for case in cases:
        if case["kind"] == "malformed":
            lines.append(case["raw"])
        else:
            fields = {**DEFAULTS, "id": case["case"], "text": case["text"]}
            lines.append(json.dumps({**fields, **(case.get("fields") or {})}))
    return lines


def run_replay(dispatcher, session_factory, cases: list[dict], tmp: Path) -> Figures:
    from bot.channels.replay import CHANNEL, replay
    from bot.onboarding import ExportRegistrar

    path = tmp / "hostile-export.jsonl"
    path.write_text("\n".join(export_lines(cases)) + "\n", encoding="utf-8")
    admit = ExportRegistrar(session_factory, "白岩镇", CHANNEL).admit
    figures = Figures("replay")
    try:
        summary = replay(path, dispatcher, admit=admit, batch_size=50)
    except Exception as error:  # a crash: nothing after it would have been imported
        figures.crashes.append(f"replay raised {type(error).__name__}: {error}")
    else:
        figures.statuses["bad line"] = len(summary.bad_lines)
    return judge_ledger(
        figures, cases, session_factory, CHANNEL, {c["case"]: c["case"] for c in cases}
    )


# ---- console ---------------------------------------------------------------------------


def console_cases(cases: list[dict]) -> list[dict]:
    """What can be typed at a terminal: one line, not blank (the console skips those)."""
    return [
        case
        for case in text_cases(cases)
        if "\n" not in case["text"] and "\r" not in case["text"] and case["text"].strip()
    ]


def run_console(dispatcher, session_factory, room: str, sender: str, cases: list[dict]) -> Figures:
    from rich.console import Console

    from bot.channels.console import CHANNEL, chat

    cases = console_cases(cases)
    typed = "".join(case["text"] + "\n" for case in cases)
    figures = Figures("console")
    out = io.StringIO()
    try:
        sent = chat(
            dispatcher,
            room,
            sender,
            console=Console(file=out, width=120),
            source=io.StringIO(typed),
        )
    except Exception as error:
        figures.crashes.append(f"console raised {type(error).__name__}: {error}")
        sent = 0
    with session_factory() as session:  # the console numbers its messages itself: in order
        ids = (
            session.execute(
                select(Message.channel_message_id)
                .where(Message.channel == CHANNEL)
                .order_by(Message.id)
            )
            .scalars()
            .all()
        )
    if sent != len(cases) or len(ids) != len(cases):
        figures.crashes.append(f"console sent {sent} of {len(cases)}, stored {len(ids)}")
    return judge_ledger(
        figures,
        cases,
        session_factory,
        CHANNEL,
        {c["case"]: i for c, i in zip(cases, ids, strict=False)},
    )


# ---- the Wechaty channel (the project's recording fake puppet) --------------------------

WECHATY_ROOM, WECHATY_SENDER = "30001@chatroom", "wxid_hostile"


async def run_wechaty(handler, session_factory, settings, cases: list[dict]) -> Figures:
    """Every text said in a bound room by a registered member, then the ledger judged."""
    from tests.wechaty_support.fake_puppet import RecordingFakePuppet
    from tests.wechaty_support.harness import CHANNEL, register_town, running_channel

    cases = text_cases(cases)
    register_town(
        session_factory,
        town="白岩镇",
        rooms={WECHATY_ROOM: "白岩镇法治工作群"},
        people={WECHATY_SENDER: "张三"},
    )
    puppet = RecordingFakePuppet()
    puppet.add_contact(WECHATY_SENDER, "张三")
    puppet.add_room(WECHATY_ROOM, "白岩镇法治工作群", [WECHATY_SENDER])
    figures = Figures("wechaty")
    async with running_channel(handler, settings=settings, puppet=puppet) as channel:
        for case in cases:
            puppet.deliver(WECHATY_ROOM, WECHATY_SENDER, case["text"], message_id=case["case"])
        if not await channel.idle(300):
            figures.crashes.append("the channel did not finish the corpus")
    return judge_ledger(
        figures, cases, session_factory, CHANNEL, {c["case"]: c["case"] for c in cases}
    )
