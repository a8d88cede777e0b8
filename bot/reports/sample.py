"""A synthetic but realistic year of chat for a town, written straight into a ledger.

Used by the report tests and the benchmark: messages read like the group chat (dates in
words, places, several figures in one message, 元 and 万元 mixed, a few corrections and
withdrawals), and the generator keeps its own running totals so a report can be checked
against the sums that were actually written into the messages.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.storage.models import Fact, FactStatus, Message, MessageStatus
from bot.storage.registry import add_person, bind_room, get_or_create_town
from bot.storage.units import normalise

ZONE = ZoneInfo("Asia/Shanghai")
PLACES = ("白岩村", "石桥村", "青杠村", "新华社区", "龙井村", "桂花村", "双河村", "场镇社区")
PEOPLE = (("wang", "王芳"), ("liu", "刘强"), ("chen", "陈晓燕"), ("zhao", "赵敏"), ("sun", "孙磊"))

# (weight, message template, facts as (section, activity, unit, placeholder, low, high)).
# {p} is a place, {a} {b} {c} the numbers in the order of the fact list.
TEMPLATES: tuple[tuple[int, str, tuple[tuple[str, str, str, str, int, int], ...]], ...] = (
    (
        6,
        "{d}组织干部学法{a}次，参加{b}人",
        (("study", "组织干部学法", "次", "a", 1, 1), ("study", "参学人数", "人", "b", 20, 60)),
    ),
    (2, "{d}开展法治专题培训{a}期", (("study", "开展法治培训", "期", "a", 1, 2),)),
    (2, "{d}党委会专题研究法治建设{a}次", (("leadership", "专题研究法治建设", "次", "a", 1, 1),)),
    (1, "{d}书记带头讲法治课{a}次", (("leadership", "主要负责人讲法治课", "次", "a", 1, 1),)),
    (
        8,
        "{d}便民服务中心办件{a}件，代办帮办{b}件",
        (
            ("functions", "便民服务中心办件", "件", "a", 20, 90),
            ("functions", "代办帮办", "件", "b", 2, 12),
        ),
    ),
    (2, "{d}走访服务企业{a}家", (("functions", "走访服务企业", "家", "a", 2, 8),)),
    (
        3,
        "{d}召开党政联席会议集体讨论决定重大事项{a}项，法律顾问出具法律意见{b}份",
        (
            ("decisions", "集体讨论决定", "项", "a", 1, 3),
            ("decisions", "法律顾问出具法律意见", "份", "b", 1, 3),
        ),
    ),
    (2, "{d}审查合同{a}份", (("decisions", "审查合同", "份", "a", 1, 4),)),
    (
        6,
        "{d}在{p}开展执法检查{a}次，下达责令整改通知{b}份",
        (
            ("enforcement", "开展执法检查", "次", "a", 1, 4),
            ("enforcement", "下达责令整改通知", "份", "b", 1, 5),
        ),
    ),
    (2, "{d}在{p}拆除违法建筑{a}处", (("enforcement", "拆除违法建筑", "处", "a", 1, 3),)),
    (2, "{d}收缴罚款{a}元", (("enforcement", "收缴罚款", "元", "a", 500, 9000),)),
    (1, "{d}收缴罚款{w}万元", (("enforcement", "收缴罚款", "万元", "w", 1, 3),)),
    (
        5,
        "{d}在{p}排查安全隐患{a}处，已整改{b}处",
        (
            ("emergency", "排查安全隐患", "处", "a", 3, 15),
            ("emergency", "整改安全隐患", "处", "b", 1, 3),
        ),
    ),
    (
        2,
        "{d}在{p}开展森林防火应急演练{a}场，参演{b}人",
        (
            ("emergency", "开展应急演练", "场", "a", 1, 1),
            ("emergency", "参演人数", "人", "b", 30, 120),
        ),
    ),
    (10, "{d}在{p}调解矛盾纠纷{a}件", (("disputes", "调解矛盾纠纷", "件", "a", 1, 5),)),
    (
        4,
        "{d}排查矛盾纠纷{a}起，接待群众来访{b}人次",
        (
            ("disputes", "排查矛盾纠纷", "起", "a", 2, 9),
            ("disputes", "接待群众来访", "人次", "b", 1, 8),
        ),
    ),
    (1, "截至目前调解成功率{r}%", (("disputes", "调解成功率", "%", "r", 95, 100),)),
    (2, "{d}办理人大代表建议{a}件", (("oversight", "办理人大代表建议", "件", "a", 1, 2),)),
    (2, "{d}公开政务信息{a}条", (("oversight", "公开政务信息", "条", "a", 3, 12),)),
    (
        8,
        "{d}在{p}开展普法宣传活动{a}场，发放宣传资料{b}份，解答法律咨询{c}人次",
        (
            ("publicity", "开展普法宣传活动", "场", "a", 1, 2),
            ("publicity", "发放宣传资料", "份", "b", 100, 600),
            ("legal_services", "解答法律咨询", "人次", "c", 5, 40),
        ),
    ),
    (
        2,
        "{d}在{p}举办法治讲座{a}场，受教育群众{b}人次",
        (
            ("publicity", "举办法治讲座", "场", "a", 1, 1),
            ("publicity", "受教育群众", "人次", "b", 40, 200),
        ),
    ),
    (
        3,
        "{d}公共法律服务站接待法律咨询{a}人次，代写法律文书{b}份",
        (
            ("legal_services", "解答法律咨询", "人次", "a", 2, 15),
            ("legal_services", "代写法律文书", "份", "b", 1, 3),
        ),
    ),
    (
        1,
        "{d}为{p}困难群众办理法律援助{a}件",
        (("legal_services", "办理法律援助", "件", "a", 1, 2),),
    ),
)
CHATTER = ("收到", "好的👍", "明天下午3点开会，请准时参加", "请各村于周五前报送材料")


@dataclass
class SampleYear:
    """What was written: per (section, activity, summing unit) the exact sum and count,
    the latest rate, and the row counts."""

    town: str
    year: int
    sums: dict[tuple[str, str, str], Decimal] = field(default_factory=dict)
    records: dict[tuple[str, str, str], int] = field(default_factory=dict)
    messages: int = 0
    facts: int = 0
    corrected: int = 0
    retracted: int = 0


def _when(day: date, sent: date, rng: random.Random) -> str:
    if day == sent:
        return rng.choice(("今天", "", "今天上午", "下午"))
    if sent - day == timedelta(days=1):
        return "昨天"
    return f"{day.month}月{day.day}日"


def populate_year(
    session: Session,
    town_name: str,
    year: int,
    n_facts: int = 5000,
    *,
    seed: int = 7,
    channel: str = "sample",
) -> SampleYear:
    """Write about `n_facts` active facts for `town_name` over `year`; return their sums."""
    rng = random.Random(f"{seed}|{town_name}|{year}")
    town = get_or_create_town(session, town_name)
    room = bind_room(
        session, channel, f"{channel}-{town_name}", town, topic=f"{town_name}法治工作群"
    )
    people = [
        add_person(session, channel, f"{town_name}-{pid}", town, display_name=name)
        for pid, name in PEOPLE
    ]
    weights = [t[0] for t in TEMPLATES]
    result = SampleYear(town_name, year)
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    latest_rate: dict[tuple[str, str, str], tuple[tuple, Decimal]] = {}
    start = date(year, 1, 1)
    days = (date(year, 12, 31) - start).days
    serial = 0
    replaced: list[tuple[Fact, Fact]] = []
    while result.facts < n_facts:
        serial += 1
        day = start + timedelta(days=rng.randint(0, days))
        sent_day = min(day + timedelta(days=rng.choice((0, 0, 0, 1, 3))), date(year, 12, 31))
        sent_at = datetime.combine(sent_day, time(rng.randint(8, 20), rng.randint(0, 59)), ZONE)
        sender = rng.choice(people)
        if rng.random() < 0.08:
            session.add(
                _message(
                    channel,
                    town_name,
                    serial,
                    room,
                    sender,
                    sent_at,
                    rng.choice(CHATTER),
                    MessageStatus.IGNORED,
                    "out_of_scope",
                )
            )
            continue
        _, template, specs = rng.choices(TEMPLATES, weights)[0]
        values = {s[3]: rng.randint(s[4], s[5]) for s in specs}
        if "w" in values:  # 万元 with decimals: 1.25万元
            values["w"] = Decimal(rng.randint(values["w"] * 100, values["w"] * 100 + 99)) / 100
        place = rng.choice(PLACES)
        text = template.format(d=_when(day, sent_day, rng), p=place, **values)
        message = _message(
            channel,
            town_name,
            serial,
            room,
            sender,
            sent_at,
            text,
            MessageStatus.LOGGED,
            "log_activity",
        )
        session.add(message)
        for section, activity, unit, key, *_ in specs:
            value = Decimal(values[key])
            fact = _fact(
                message,
                town.id,
                room.id,
                sender.id,
                section,
                activity,
                value,
                unit,
                day,
                place if "{p}" in template else None,
            )
            session.add(fact)
            summing_value, summing_unit = normalise(value, unit)
            bucket = (section, activity, summing_unit)
            roll = rng.random()
            if roll < 0.02:  # withdrawn: never counts
                fact.status = FactStatus.RETRACTED
                result.retracted += 1
                continue
            if roll < 0.05 and summing_unit != "%":  # corrected: the new value counts
                fact.status = FactStatus.SUPERSEDED
                new_value = value + 1
                replacement = _fact(
                    message,
                    town.id,
                    room.id,
                    sender.id,
                    section,
                    activity,
                    new_value,
                    unit,
                    day,
                    fact.place,
                )
                replaced.append((fact, replacement))
                session.add(replacement)
                summing_value = normalise(new_value, unit)[0]
                result.corrected += 1
            counts[bucket] += 1
            result.facts += 1
            if summing_unit == "%":
                order = (day, sent_at, serial)
                if bucket not in latest_rate or latest_rate[bucket][0] <= order:
                    latest_rate[bucket] = (order, summing_value)
            else:
                sums[bucket] += summing_value
        result.messages += 1
    session.flush()  # one flush for the whole year: ids are needed only for the links below
    for old, new in replaced:
        new.replaces_fact_id = old.id
    session.flush()
    for bucket, (_, value) in latest_rate.items():
        sums[bucket] = value
    result.sums, result.records = dict(sums), dict(counts)
    return result


def _message(channel, town, serial, room, person, sent_at, text, status, intent) -> Message:
    return Message(
        channel=channel,
        channel_message_id=f"{town}-{sent_at.year}-{serial}",
        channel_room_id=room.channel_room_id,
        channel_sender_id=person.channel_person_id,
        sender_name=person.display_name,
        room_id=room.id,
        person_id=person.id,
        sent_at=sent_at,
        text=text,
        status=status,
        intent=intent,
        confidence=0.95,
    )


def _fact(message, town_id, room_id, person_id, section, activity, value, unit, day, place):
    summing_value, summing_unit = normalise(value, unit)
    return Fact(
        message=message,
        town_id=town_id,
        room_id=room_id,
        person_id=person_id,
        section=section,
        activity=activity,
        value=value,
        unit=unit,
        value_normalised=summing_value,
        unit_normalised=summing_unit,
        fact_date=day,
        place=place,
        status=FactStatus.ACTIVE,
    )
