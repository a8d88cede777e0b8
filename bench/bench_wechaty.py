"""Benchmark of the WeChat channel through a loopback gRPC puppet service.

1,000 room messages from 50 senders in 10 rooms go through the real wechaty-puppet-service
client, the real Dispatcher, the real parser and a fresh ledger (SQLite in a temporary
directory unless --database-url is given). Printed: reply latency from the event to the
recorded send (p50/p95/max, target p95 <= 100 ms), lost / duplicated / unanswered counts,
and the reconnect time after a puppet-service restart (target <= 30 s), both for a crash
(connection cut) and for a silent restart (stream left open, production watchdog timings).

    .venv/bin/python bench/bench_wechaty.py               # the figures
    .venv/bin/python bench/bench_wechaty.py --transcript  # a short group conversation
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from bot.channels.wechaty_channel import ChannelTimings, WechatyChannel  # noqa: E402
from bot.dispatcher import Dispatcher  # noqa: E402
from bot.message import Reply  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage import open_ledger  # noqa: E402
from bot.storage.models import Message  # noqa: E402
from bot.storage.registry import add_person, bind_room, get_or_create_town  # noqa: E402
from nlu.parser import load_parser  # noqa: E402
from tests.wechaty_support.grpc_puppet import LoopbackPuppetService  # noqa: E402
from tests.wechaty_support.harness import wait_until as wait_for  # noqa: E402

TEMPLATES = [
    "今天调解纠纷{n}件",
    "今天开展普法宣传{n}场",
    "昨天调解矛盾纠纷{n}起",
    "今天接待群众来访{n}人次",
    "今天排查矛盾纠纷{n}件",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def setup_ledger(settings: Settings, rooms: list[str], senders: dict[str, str]):
    factory = open_ledger(settings)
    with factory() as session:
        town = get_or_create_town(session, "双土镇")
        for room in rooms:
            bind_room(session, "wechaty", room, town, topic=f"工作群{room[:3]}")
        for sender, name in senders.items():
            add_person(session, "wechaty", sender, town, display_name=name)
        session.commit()
    return factory


def handled_counts(factory) -> dict[str, int]:
    with factory() as session:
        rows = session.execute(
            select(Message.channel_message_id, func.count())
            .where(Message.handled_at.is_not(None))
            .group_by(Message.channel_message_id)
        )
        return dict(rows.all())


async def measure_reconnect(
    channel: WechatyChannel, service: LoopbackPuppetService, *, crash: bool, down_for: float
) -> float:
    """Seconds from the service listening again to the bot's new event stream."""
    before = channel.connections
    await service.stop(crash=crash)
    await asyncio.sleep(down_for)
    await service.start(service.port)
    back = time.monotonic()
    if not await wait_for(lambda: channel.connections > before, 60):
        return float("inf")
    return time.monotonic() - back


async def bench(args: argparse.Namespace, settings: Settings, parser) -> None:
    rng = random.Random(args.seed)
    rooms = [f"{400 + i}@chatroom" for i in range(args.rooms)]
    senders = {f"wxid_s{i:02d}": f"同事{i:02d}" for i in range(args.senders)}
    room_of = {s: rooms[i % len(rooms)] for i, s in enumerate(senders)}
    factory = setup_ledger(settings, rooms, senders)
    dispatcher = Dispatcher(settings, factory, parser)
    handler_ms: list[float] = []

    def timed_handle(msg):
        began = time.perf_counter()
        try:
            if args.channel_only:  # isolates the channel's own cost; not the bot's behaviour
                return [Reply("收到", mention=msg.sender)]
            return dispatcher.handle(msg)
        finally:
            handler_ms.append((time.perf_counter() - began) * 1000)

    service = LoopbackPuppetService()
    for sender, name in senders.items():
        service.add_contact(sender, name)
    for room in rooms:
        service.add_room(room, f"工作群{room[:3]}", [s for s in senders if room_of[s] == room])
    service.echo_sends = True
    await service.start()

    timings = ChannelTimings()  # production timings
    channel = WechatyChannel(
        timed_handle,
        settings=settings,
        token="bench",
        endpoint=service.endpoint,
        timings=timings,
    )
    task = asyncio.get_running_loop().create_task(channel.run())
    assert await channel.wait_connected(15), "no connection"

    # warm-up (model caches, contact payloads), not measured
    for i, sender in enumerate(senders):
        service.deliver(room_of[sender], sender, "帮助", mention_bot=True, message_id=f"w{i}")
    await wait_for(lambda: len(service.sent_texts) >= len(senders), 60)
    await channel.idle(30)
    warm_sends = len(service.sent_texts)
    handler_ms.clear()

    order: dict[str, deque[str]] = defaultdict(deque)
    ids: list[str] = []
    interval = 1.0 / args.rate
    start = time.monotonic()
    for i in range(args.messages):
        sender = rng.choice(list(senders))
        text = rng.choice(TEMPLATES).format(n=rng.randint(1, 9))
        mid = f"b{i}"
        service.deliver(room_of[sender], sender, text, mention_bot=True, message_id=mid)
        order[sender].append(mid)
        ids.append(mid)
        if rng.random() < args.redeliver:
            service.redeliver(rng.choice(ids))  # at-least-once delivery: an old id again
        delay = start + (i + 1) * interval - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
    sent_for = time.monotonic() - start
    if not args.channel_only:
        await wait_for(lambda: len(handled_counts(factory)) >= args.messages + len(senders), 120)
    await channel.idle(60)

    # latency: the i-th reply mentioning a sender answers that sender's i-th message
    latencies = []
    for sent in service.sent_texts[warm_sends:]:
        who = sent.mention_ids[0] if sent.mention_ids else None
        if who in order and order[who]:
            mid = order[who].popleft()
            latencies.append((sent.at - service.event_times[mid]) * 1000)
    handled = handled_counts(factory)
    if args.channel_only:  # nothing reaches the ledger: count what reached the handler
        handled = {m: 1 for m in ids if m not in set().union(*order.values())}
    lost = [m for m in ids if m not in handled]
    duplicated = [m for m in ids if handled.get(m, 0) > 1]
    extra_replies = len(service.sent_texts) - warm_sends - len(latencies)
    unanswered = sum(len(q) for q in order.values())

    crash_s = await measure_reconnect(channel, service, crash=True, down_for=1.0)
    silent_s = await measure_reconnect(channel, service, crash=False, down_for=1.0)

    await channel.stop()
    await asyncio.wait_for(task, 30)
    await service.stop()

    print(f"messages            {args.messages} from {args.senders} senders in {args.rooms} rooms")
    print(f"offered rate        {args.rate:.0f} msg/s (sent in {sent_for:.1f} s)")
    print(f"redelivered events  ~{args.redeliver:.0%} of messages (duplicates on the wire)")
    print(f"replies measured    {len(latencies)}")
    print(
        f"reply latency ms    p50 {statistics.median(latencies):.1f}  "
        f"p95 {percentile(latencies, 0.95):.1f}  max {max(latencies):.1f}   (target p95 <= 100)"
    )
    print(
        f"dispatcher.handle   p50 {statistics.median(handler_ms):.1f}  "
        f"p95 {percentile(handler_ms, 0.95):.1f} ms per message (parse + ledger, one thread)"
    )
    print(f"lost                {len(lost)}")
    print(f"handled twice       {len(duplicated)}")
    print(f"unanswered          {unanswered}   extra replies {extra_replies}")
    print(f"reconnect, crash    {crash_s:.2f} s   (target <= 30)")
    print(
        f"reconnect, silent   {silent_s:.2f} s   (watchdog: ding after 10 s, reconnect after 25 s)"
    )


async def transcript(settings: Settings, parser) -> None:
    """A short group conversation through the gRPC path: log, correction, query, report."""
    room = "50001@chatroom"
    people = {"wxid_zhang": "张三", "wxid_li": "李四"}
    factory = setup_ledger(settings, [room], people)
    dispatcher = Dispatcher(settings, factory, parser)
    service = LoopbackPuppetService()
    for pid, name in people.items():
        service.add_contact(pid, name)
    service.add_room(room, "双土镇法治工作群", list(people))
    service.echo_sends = True
    await service.start()
    channel = WechatyChannel(
        dispatcher.handle, settings=settings, token="demo", endpoint=service.endpoint
    )
    task = asyncio.get_running_loop().create_task(channel.run())
    assert await channel.wait_connected(15)
    script = [
        ("wxid_zhang", "今天调解纠纷3件", True),
        ("wxid_zhang", "更正为4件", True),
        ("wxid_li", "昨天在白岩村开展普法宣传两场，发放资料500份", True),
        ("wxid_li", "收到", False),
        ("wxid_zhang", "今年调解多少件了", True),
        ("wxid_li", "生成今年的法治政府建设报告", True),
    ]
    lines = []
    for sender, text, mention in script:
        before = len(service.sent_texts) + len(service.sent_files)
        service.deliver(room, sender, text, mention_bot=mention)
        shown = f"@法治台账 {text}" if mention else text
        lines.append((time.monotonic(), f"{people[sender]}: {shown}"))
        answered = lambda b=before: len(service.sent_texts) + len(service.sent_files) > b  # noqa: E731
        await wait_for(answered, 20 if mention else 2)
        await channel.idle(30)
    for sent in service.sent_texts:
        lines.append((sent.at, f"法治台账: {sent.text}"))
    for sent in service.sent_files:
        lines.append((sent.at, f"法治台账: [文件] {sent.name} ({sent.size} 字节)"))
    await channel.stop()
    await asyncio.wait_for(task, 30)
    await service.stop()
    print(f"gRPC endpoint {service.endpoint}, room {room} (双土镇法治工作群)")
    for _, line in sorted(lines):
        print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--senders", type=int, default=50)
    ap.add_argument("--rooms", type=int, default=10)
    ap.add_argument("--rate", type=float, default=25.0, help="messages per second offered")
    ap.add_argument("--redeliver", type=float, default=0.05, help="share of duplicate events")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--transcript", action="store_true")
    ap.add_argument(
        "--channel-only",
        action="store_true",
        help="answer every message at once instead of dispatching (measures the channel alone)",
    )
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="taizhang-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=args.database_url)
        parser = load_parser(Settings())
        if args.transcript:
            asyncio.run(transcript(settings, parser))
        else:
            asyncio.run(bench(args, settings, parser))


if __name__ == "__main__":
    main()
