"""The WeChat channel over a real network connection: the real wechaty-puppet-service
client talks gRPC to a loopback puppet service on 127.0.0.1 (explicit endpoint), which
is stopped and restarted mid-stream. Real Dispatcher, real parser, real ledger."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import func, select

from bot.dispatcher import Dispatcher
from bot.storage.models import Message
from tests.wechaty_support.grpc_puppet import LoopbackPuppetService
from tests.wechaty_support.harness import (
    CountingHandler,
    facts_of,
    register_town,
    running_channel,
    wait_until,
)

ROOM_A, ROOM_B = "30001@chatroom", "30002@chatroom"
ZHANG, LI = "wxid_zhang", "wxid_li"


@pytest.fixture
def service() -> LoopbackPuppetService:
    svc = LoopbackPuppetService()
    svc.add_contact(ZHANG, "张三")
    svc.add_contact(LI, "李四")
    svc.add_room(ROOM_A, "双土镇法治工作群", [ZHANG, LI])
    svc.add_room(ROOM_B, "双土镇综治群", [ZHANG, LI])
    svc.echo_sends = True  # WeChat shows the bot its own messages; they must be ignored
    return svc


@pytest.fixture
def handler(settings, session_factory, parser) -> CountingHandler:
    register_town(
        session_factory,
        rooms={ROOM_A: "双土镇法治工作群", ROOM_B: "双土镇综治群"},
        people={ZHANG: "张三", LI: "李四"},
    )
    return CountingHandler(Dispatcher(settings, session_factory, parser).handle)


def handled_rows(session_factory) -> dict[str, int]:
    with session_factory() as session:
        rows = session.execute(
            select(Message.channel_message_id, func.count())
            .where(Message.handled_at.is_not(None))
            .group_by(Message.channel_message_id)
        )
        return dict(rows.all())


def test_messages_arrive_over_grpc_and_replies_are_recorded(
    service, handler, settings, session_factory
):
    async def scenario():
        await service.start()
        try:
            async with running_channel(
                handler, settings=settings, token="any", endpoint=service.endpoint
            ) as channel:
                service.deliver(ROOM_A, ZHANG, "今天调解纠纷3件", mention_bot=True, message_id="g1")
                service.deliver(ROOM_B, LI, "昨天开展普法宣传两场", message_id="g2")
                service.deliver(ROOM_A, LI, "收到", message_id="g3")
                assert await service.wait_for_sends(2, 15)
                assert await channel.idle(15)
        finally:
            await service.stop()

    asyncio.run(asyncio.wait_for(scenario(), 60))
    assert facts_of(session_factory, "g1") == [("disputes", 3.0, "件")]
    assert facts_of(session_factory, "g2") == [("publicity", 2.0, "场")]
    by_room = {s.conversation_id: s for s in service.sent_texts}
    assert set(by_room) == {ROOM_A, ROOM_B} and len(service.sent_texts) == 2
    assert by_room[ROOM_A].mention_ids == [ZHANG] and by_room[ROOM_A].text.startswith("@张三 ")
    assert by_room[ROOM_B].mention_ids == [LI] and "2场" in by_room[ROOM_B].text
    # the echoed replies came back as message events and never reached the dispatcher
    assert sorted(m.message_id for m in handler.seen) == ["g1", "g2", "g3"]


@pytest.mark.parametrize("crash", [False, True], ids=["silent-restart", "crash-restart"])
def test_service_restart_mid_stream_loses_and_repeats_nothing(
    service, handler, settings, session_factory, crash
):
    """Graceful stop leaves the old stream open and silent (the watchdog must notice);
    a crash cuts the connection (the supervisor must notice). As with the official server,
    what is said while the service is down never reaches the bot; here the restarted
    service also replays its last events (an at-least-once provider), which the ledger
    must not count twice."""
    sent_ids: list[str] = []

    def say(room, who, n):
        mid = f"r{len(sent_ids) + 1}"
        sent_ids.append(mid)
        service.deliver(room, who, f"今天调解纠纷{n}件", mention_bot=True, message_id=mid)

    async def scenario() -> float:
        await service.start()
        try:
            async with running_channel(
                handler, settings=settings, token="any", endpoint=service.endpoint
            ) as channel:
                for n in range(1, 5):
                    say(ROOM_A if n % 2 else ROOM_B, ZHANG if n % 2 else LI, n)
                assert await service.wait_for_sends(4, 15)
                say(ROOM_A, LI, 5)  # in flight while the service goes down
                assert await wait_until(lambda: service.delivered("r5"), 5)
                await service.stop(crash=crash)
                say(ROOM_B, ZHANG, 6)  # while the service is down: lost, as on the real one
                await asyncio.sleep(0.3)
                connections = channel.connections
                started = time.monotonic()
                await service.restart(replay=3)  # same port; at-least-once replay
                assert await wait_until(lambda: channel.connections > connections, 10)
                reconnect = time.monotonic() - started
                say(ROOM_A, ZHANG, 7)  # once the bot listens again
                assert await wait_until(lambda: len(handled_rows(session_factory)) == 6, 15)
                assert await channel.idle(15)
                return reconnect
        finally:
            await service.stop()

    reconnect = asyncio.run(asyncio.wait_for(scenario(), 90))
    assert reconnect < 5  # the FAST timings: quiet_after is 1 s
    said_while_up = [mid for mid in sent_ids if mid != "r6"]
    assert handled_rows(session_factory) == {mid: 1 for mid in said_while_up}
    assert any('"r6"' in event.payload for event in service.lost)
    values = sorted(v for _, v, _ in facts_of(session_factory))
    assert values == [1.0, 2.0, 3.0, 4.0, 5.0, 7.0]  # each fact once
    replies = [s for s in service.sent_texts if "件" in s.text]
    assert len(replies) == 6  # one answer per message that arrived, none twice
    assert service.streams_opened >= 2


ODD_EVENTS = [
    ("ERROR", '{"gerror": "Error: mock puppet failed"}'),  # wechaty-puppet >= 1.7
    ("ERROR", '{"data": "old style"}'),
    ("ERROR", "{}"),
    ("HEARTBEAT", "{}"),  # no "data"
    ("READY", '{"unexpected": 1}'),
    ("SCAN", "not json at all"),
    ("LOGOUT", "{}"),  # no contactId
]


def test_error_and_odd_events_never_end_the_event_stream(
    service, handler, settings, session_factory
):
    """A message said 20 ms after a puppet error event is answered, on the same stream."""
    from wechaty_grpc.wechaty.puppet import EventType

    async def scenario():
        await service.start()
        try:
            async with running_channel(
                handler, settings=settings, token="any", endpoint=service.endpoint
            ) as channel:
                assert await service.wait_for_stream(15)
                for number, (kind, payload) in enumerate(ODD_EVENTS):
                    service.emit_raw(getattr(EventType, f"EVENT_TYPE_{kind}"), payload)
                    await asyncio.sleep(0.02)  # said right after the odd event, as in the field
                    service.deliver(
                        ROOM_A, ZHANG, f"今天调解纠纷{number + 1}件", message_id=f"e{number}"
                    )
                assert await service.wait_for_sends(len(ODD_EVENTS), 15)
                assert await channel.idle(15)
        finally:
            await service.stop()

    asyncio.run(asyncio.wait_for(scenario(), 60))
    assert service.streams_opened == 1  # the stream never ended, so nothing was reconnected
    for number in range(len(ODD_EVENTS)):
        assert facts_of(session_factory, f"e{number}") == [("disputes", number + 1.0, "件")]
