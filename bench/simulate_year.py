"""A simulated year of the scheduler: the clock advanced day by day through a year, the
group chat replayed message by message as it came, every scheduled job fired at its time.

Prints each reminder, digest and year-end draft the bot would have posted, and a summary.
The jobs are the scheduler's own (bot.scheduler: the triggers of `desired_jobs` decide
when, `deliver` decides what), only the clock is simulated — no waiting.

    .venv/bin/python bench/simulate_year.py                      # tests/data/year_chat.jsonl
    .venv/bin/python bench/simulate_year.py --sample 3000        # bot.reports.sample, no NLU
    .venv/bin/python bench/simulate_year.py --db postgresql --quiet
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bot.message import IncomingMessage, Reply  # noqa: E402
from bot.settings import PROJECT_ROOT, Settings  # noqa: E402

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
CHAT = PROJECT_ROOT / "tests" / "data" / "year_chat.jsonl"
TOWN = "白岩镇"
WORK_ROOM = "白岩镇法治工作群"
OTHER_ROOMS = ("白岩镇综治中心群",)  # the chat's second group: records, no reminders
SUPERVISORS_ROOM = "白岩镇法治建设领导小组群"
# Who answers for which section in the simulated town (names from the chat).
OWNERS = {
    "disputes": ["张丽"],
    "publicity": ["王建国"],
    "legal_services": ["李明"],
    "enforcement": ["赵小红"],
    "digital": ["陈勇"],
    "rules": ["陈勇"],
    "decisions": ["李明"],
}


@dataclass(order=True)
class Event:
    when: datetime
    order: int  # messages first at the same minute
    kind: str
    payload: object = None


def database(choice: str, workdir: Path) -> tuple[str, callable]:
    """A fresh ledger URL; for PostgreSQL a schema of its own, dropped by the cleanup."""
    if choice == "sqlite":
        return f"sqlite:///{workdir / 'ledger.sqlite3'}", lambda: None
    from bot.storage import make_engine

    schema = f"taizhang_simulate_{int(time.time())}"
    engine = make_engine(POSTGRES)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()

    return f"{POSTGRES}?options=-csearch_path%3D{schema}", drop


def register(session_factory, settings: Settings, names: list[str]) -> int:
    """The town, its work room, the supervisors' room, its people and section owners."""
    from bot.scheduler.config import set_owners, set_schedule
    from bot.storage.registry import add_person, bind_room, get_or_create_town

    with session_factory() as session:
        town = get_or_create_town(session, TOWN)
        work = bind_room(session, "replay", WORK_ROOM, town, topic=WORK_ROOM)
        supervisors = bind_room(session, "replay", SUPERVISORS_ROOM, town, topic=SUPERVISORS_ROOM)
        for room in OTHER_ROOMS:
            bind_room(session, "replay", room, town, topic=room)
        for name in names:
            add_person(session, "replay", name, town, display_name=name)
        set_schedule(session, town, room_id=work.id, supervisor_room_id=supervisors.id)
        for section, owners in OWNERS.items():
            set_owners(session, town, section, owners)
        session.commit()
        return town.id


def chat_events(path: Path, zone: ZoneInfo) -> list[Event]:
    from bot.channels.replay import BadLine, read_export

    events = []
    for item in read_export(path, zone):
        if isinstance(item, BadLine):
            continue
        message = IncomingMessage(
            channel="replay",
            message_id=item.id,
            room=item.room,
            sender=item.sender,
            time=item.time,
            text=item.text,
            sender_name=item.sender,
        )
        events.append(Event(item.time.astimezone(zone), 0, "message", message))
    return events


def job_events(session_factory, settings: Settings, start: date, end: date) -> list[Event]:
    """Every fire time of every town job in [start, end], from the jobs' own triggers."""
    from bot.scheduler.jobs import desired_jobs

    zone = ZoneInfo(settings.timezone)
    with session_factory() as session:
        specs = desired_jobs(session, settings, "replay")
    first = datetime.combine(start, datetime.min.time(), zone)
    last = datetime.combine(end + timedelta(days=1), datetime.min.time(), zone)
    events = []
    for spec in specs:
        fire = spec.trigger.get_next_fire_time(None, first)
        while fire is not None and fire < last:
            # January's digest and final draft of the first year are about the year before
            # the simulation: nothing to see.
            about_last_year = spec.kind in ("digest", "draft_final") and fire.month == 1
            if not (about_last_year and fire.year == start.year):
                events.append(Event(fire.astimezone(zone), 1, spec.kind, spec.town_id))
            fire = spec.trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return events


@dataclass
class YearResult:
    """What the simulated year produced."""

    town_id: int
    sent: list[tuple[datetime, str, str, Reply]] = field(default_factory=list)  # when, room, kind
    skipped: Counter = field(default_factory=Counter)  # (kind, reason) -> count
    outcomes: Counter = field(default_factory=Counter)  # message status -> count
    seconds: float = 0.0

    def of(self, kind: str) -> list[tuple[datetime, str, str, Reply]]:
        return [item for item in self.sent if item[2] == kind]


def simulate(
    session_factory,
    settings: Settings,
    year: int,
    *,
    dispatcher=None,
    chat: Path | None = CHAT,
    sample: int = 0,
    on_send=None,
) -> YearResult:
    """Advance the clock from 1 January of `year` to 10 January of the next, replaying the
    chat (through `dispatcher`) or revealing a sample ledger day by day, and firing every
    job at its trigger's times through the scheduler's own `deliver`."""
    from bot.scheduler.deliveries import deliver

    zone = ZoneInfo(settings.timezone)
    start, end = date(year, 1, 1), date(year + 1, 1, 10)
    events = [] if sample else chat_events(chat, zone)
    names = sorted({e.payload.sender for e in events})
    result = YearResult(register(session_factory, settings, names))
    if sample:
        events = sample_events(session_factory, year, sample, zone)
    events += job_events(session_factory, settings, start, end)
    events.sort()
    clock: dict = {"now": None, "kind": None}

    def sender(room: str, reply: Reply) -> None:
        result.sent.append((clock["now"], room, clock["kind"], reply))
        if on_send is not None:
            on_send(clock["now"], room, reply)

    began = time.perf_counter()
    day = start
    queue = iter(events)
    pending = next(queue, None)
    while day <= end:  # the clock, one day at a time
        midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)
        while pending is not None and pending.when < midnight:
            clock["now"], clock["kind"] = pending.when, pending.kind
            if pending.kind == "message":
                outcome = dispatcher.process(pending.payload, store_first=False)
                result.outcomes[outcome.status] += 1
            elif pending.kind == "sample":
                pending.payload()
            else:
                delivery = deliver(
                    session_factory,
                    settings,
                    sender,
                    pending.kind,
                    pending.payload,
                    pending.when,
                    channel="replay",
                )
                if not delivery.sends:
                    result.skipped[(pending.kind, delivery.skipped)] += 1
            pending = next(queue, None)
        day += timedelta(days=1)
    result.seconds = time.perf_counter() - began
    return result


def print_sent(when: datetime, room: str, reply: Reply) -> None:
    print(f"\n=== {when.strftime('%Y-%m-%d %H:%M %a')} → {room}")
    print(reply.text)
    if reply.file is not None:
        print(f"📎 {reply.file.name} ({reply.file.stat().st_size:,} bytes)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--chat", type=Path, default=CHAT, help="JSON-lines chat of one year")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument(
        "--sample", type=int, default=0, help="instead of the chat: N facts from bot.reports.sample"
    )
    parser.add_argument("--quiet", action="store_true", help="only the summary")
    parser.add_argument("--keep", action="store_true", help="keep the ledger and the drafts")
    args = parser.parse_args()

    from bot.dispatcher import Dispatcher
    from bot.storage import make_engine, make_session_factory, migrate
    from bot.storage.aggregate import period_range, totals

    workdir = Path(tempfile.mkdtemp(prefix="taizhang-simulate-"))
    url, cleanup = database(args.db, workdir)
    try:
        settings = Settings(data_dir=workdir / "data", database_url=url)
        migrate(url)
        engine = make_engine(url)
        session_factory = make_session_factory(engine)
        dispatcher = None
        if not args.sample:
            from nlu.parser import load_parser

            loaded = time.perf_counter()
            dispatcher = Dispatcher(settings, session_factory, load_parser(Settings()))
            print(f"parser loaded in {time.perf_counter() - loaded:.1f} s", file=sys.stderr)
        result = simulate(
            session_factory,
            settings,
            args.year,
            dispatcher=dispatcher,
            chat=args.chat,
            sample=args.sample,
            on_send=None if args.quiet else print_sent,
        )
        by_kind = Counter(
            "draft" if kind.startswith("draft") else kind for _, _, kind, _ in result.sent
        )
        print("\n=== summary")
        print(f"simulated {args.year}-01-01 … {args.year + 1}-01-10 in {result.seconds:.1f} s")
        if result.outcomes:
            print(f"messages replayed: {sum(result.outcomes.values())} ({dict(result.outcomes)})")
        print(
            f"sent: {by_kind['reminder']} reminders, {by_kind['digest']} digests, "
            f"{by_kind['draft']} drafts"
        )
        for (kind, reason), n in sorted(result.skipped.items()):
            print(f"not sent: {kind} × {n}: {reason}")
        with session_factory() as session:
            span = period_range("year", date(args.year, 1, 1))
            year = totals(session, result.town_id, *span, by_activity=False)
        print(f"ledger: {sum(t.records for t in year)} active facts in {args.year}")
        expected_path = args.chat.with_name(args.chat.stem + "_expected.json")
        if not args.sample and expected_path.is_file():
            compare_with_expected(year, expected_path)
        engine.dispose()
        return 0
    finally:
        cleanup()
        if args.keep:
            print(f"ledger and drafts kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def compare_with_expected(year_totals, path: Path) -> None:
    """The figures the digests and drafts used, against the totals written into the chat."""
    import json
    from decimal import Decimal

    expected = json.loads(path.read_text(encoding="utf-8"))["totals"]
    got = {(t.section, t.unit): t.value for t in year_totals}
    pairs = [(s, u, Decimal(v)) for s, units in expected.items() for u, v in units.items()]
    wrong = [(s, u, v, got.get((s, u))) for s, u, v in pairs if got.get((s, u)) != v]
    print(f"year totals vs {path.name}: {len(pairs) - len(wrong)}/{len(pairs)} figures equal")
    for section, unit, want, have in wrong:
        print(f"  {section} {unit}: expected {want}, ledger {have}")


def sample_events(session_factory, year: int, n_facts: int, zone: ZoneInfo) -> list[Event]:
    """bot.reports.sample's year, written one day at a time at 17:00 (facts as they come)."""
    from bot.reports.sample import populate_year
    from bot.storage.models import Fact

    # Generate once into the ledger, then move each day's rows in at that day's evening:
    # facts dated after the simulated clock must not be visible yet.
    with session_factory() as session:
        populate_year(session, TOWN, year, n_facts)
        session.commit()
        rows = session.query(Fact.id, Fact.fact_date, Fact.status).all()
        hidden = {fid: (day, status) for fid, day, status in rows}
        session.query(Fact).update({Fact.status: "pending"}, synchronize_session=False)
        session.commit()
    by_day: dict[date, list[tuple[int, str]]] = {}
    for fid, (day, status) in hidden.items():
        by_day.setdefault(day, []).append((fid, status))

    def reveal(items):
        def run() -> None:
            with session_factory() as session:
                for fid, status in items:
                    session.query(Fact).filter(Fact.id == fid).update(
                        {Fact.status: status}, synchronize_session=False
                    )
                session.commit()

        return run

    return [
        Event(
            datetime.combine(day, datetime.min.time(), zone).replace(hour=17),
            0,
            "sample",
            reveal(items),
        )
        for day, items in sorted(by_day.items())
    ]


if __name__ == "__main__":
    raise SystemExit(main())
