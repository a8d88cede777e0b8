"""Writes year_chat.jsonl (a year of 白岩镇's work-group chat, 2024) and, independently of
the bot, year_chat_expected.json: the totals that chat should give.

Every message is written from a template whose meaning is stated next to it (section,
unit, value), so the expected totals come from what was written — corrections and
withdrawals applied by the simple rule "the sender's own previous record" — never from
running the bot. Run it again only to change the data (it is seeded, so it is repeatable):

    .venv/bin/python tests/data/make_year_chat.py
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
YEAR = 2024
TOWN = "白岩镇"
ROOMS = ("白岩镇法治工作群", "白岩镇综治中心群")
SENDERS = ("张丽", "王建国", "李明", "赵小红", "陈勇")
PLACES = ("白岩村", "青山社区", "石桥村", "河口村", "新街社区")
WAN = Decimal(10000)
# Measure words that count the same thing are one figure (纠纷3起 + 4件 = 7件), like 元 and 万元.
SUMMED_AS = {"起": "件", "宗": "件", "场次": "场", "名": "人", "位": "人"}

# (text template, facts): each fact is (section, unit, variable or literal); "{p}" = a place.
# Money variables ending in _wan are 万元 (counted ×10000 in 元), _yuan are 元.
SINGLE = [
    ("今天调解矛盾纠纷{a}件", [("disputes", "件", "a")]),
    ("{p}调委会今天调处纠纷{a}起", [("disputes", "起", "a")]),
    ("今天排查矛盾纠纷{a}次", [("disputes", "次", "a")]),
    ("接待信访群众{a}人次", [("disputes", "人次", "a")]),
    ("受理12345转办件{a}件", [("disputes", "件", "a")]),
    ("党委会专题研究法治建设{a}次", [("leadership", "次", "a")]),
    ("便民服务中心今天办件{a}件", [("functions", "件", "a")]),
    ("清理规范性文件{a}件", [("rules", "件", "a")]),
    ("法律顾问审查合同{a}份", [("decisions", "份", "a")]),
    ("开展执法检查{a}次", [("enforcement", "次", "a")]),
    ("拆除违建{a}处", [("enforcement", "处", "a")]),
    ("开具罚款{m_yuan}元", [("enforcement", "元", "m_yuan")]),
    ("办理人大代表建议{a}件", [("oversight", "件", "a")]),
    ("政务公开信息{a}条", [("oversight", "条", "a")]),
    ("网上办件{a}件", [("digital", "件", "a")]),
    ("提供法律援助{a}件", [("legal_services", "件", "a")]),
    ("代写法律文书{a}份", [("legal_services", "份", "a")]),
    ("悬挂横幅{a}条", [("publicity", "条", "a")]),
    ("投入普法经费{m_wan}万元", [("publicity", "元", "m_wan")]),
    ("安全隐患整改{a}处", [("emergency", "处", "a")]),
]
MULTI = [
    (
        "今天在{p}开展普法宣传{a}场，发放资料{b}份",
        [("publicity", "场", "a"), ("publicity", "份", "b")],
    ),
    (
        "昨天在{p}开展普法宣传{a}场，发放资料{b}份，解答咨询{c}人次",
        [("publicity", "场", "a"), ("publicity", "份", "b"), ("legal_services", "人次", "c")],
    ),
    ("组织干部学法{a}次 参加{b}人", [("study", "次", "a"), ("study", "人", "b")]),
    ("开展应急演练{a}次，排查安全隐患{c}处", [("emergency", "次", "a"), ("emergency", "处", "c")]),
    ("开展法治讲座{a}场，参加{b}人", [("publicity", "场", "a"), ("publicity", "人", "b")]),
]
CHATTER = [
    "收到",
    "好的👍",
    "收到，马上办",
    "明天下午3点在三楼会议室开会",
    "请各村于{d}日前报送材料",
    "下周准备开展普法宣传2场",
    "有事打我电话13812345678",
    "会议室在三楼",
    "今天谁值班？",
    "材料已发邮箱",
    "[图片]",
    "请大家注意查收通知",
]
OTHER = [
    ("今年调解多少件了", "query"),
    ("本月进度", "query"),
    ("哪些板块还没有记录", "query"),
    ("怎么用", "help"),
    ("你好", "greet"),
]


def values(rng: random.Random) -> dict:
    return {
        "a": rng.randint(1, 9),
        "b": rng.choice((20, 35, 42, 60, 150, 200, 300, 500)),
        "c": rng.randint(5, 40),
        "m_yuan": rng.choice((200, 500, 800, 1000, 2000, 5000)),
        "m_wan": rng.choice(("0.5", "1.2", "1.5", "2.35", "6.177")),
        "p": rng.choice(PLACES),
        "d": rng.randint(5, 28),
    }


def amount(unit_var: str, vals: dict) -> Decimal:
    raw = Decimal(str(vals[unit_var]))
    return raw * WAN if unit_var.endswith("_wan") else raw


def working_days(year: int):
    day = date(year, 1, 2)
    while day.year == year:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


class Chat:
    """Accumulates lines and, beside them, the ledger they should produce."""

    def __init__(self) -> None:
        self.lines: list[dict] = []
        self.records: list[dict] = []  # expected facts: section, unit, value, date, active
        self.last_record: dict[tuple[str, str], list[dict]] = {}
        self.last_line: dict[tuple[str, str], dict] = {}
        self.targets: list[tuple[dict, dict]] = []  # (correction line, corrected log line)
        self.counter = 0

    def say(self, when: datetime, room: str, sender: str, text: str, with_id: bool) -> dict:
        line = {"time": when.isoformat(), "room": room, "sender": sender, "text": text}
        if with_id:
            self.counter += 1
            line = {"id": f"msg-{self.counter:05d}", **line}
        self.lines.append(line)
        return line

    def log(self, when, room, sender, text, facts, day, with_id) -> None:
        self.last_line[(room, sender)] = self.say(when, room, sender, text, with_id)
        made = [
            {"section": s, "unit": u, "value": v, "date": day, "active": True} for s, u, v in facts
        ]
        self.records.extend(made)
        self.last_record[(room, sender)] = made

    def in_time_order(self) -> None:
        self.lines.sort(key=lambda line: datetime.fromisoformat(line["time"]))
        _check_targets(self)

    def correct(self, when, room, sender, text, new_value: Decimal | None, with_id) -> None:
        """new_value None: a withdrawal; otherwise the one fact of the last record changes."""
        line = self.say(when, room, sender, text, with_id)
        self.targets.append((line, self.last_line.pop((room, sender))))
        made = self.last_record.pop((room, sender))
        if new_value is None:
            for record in made:
                record["active"] = False
        else:
            (record,) = made
            record["value"] = new_value


def _check_targets(chat: Chat) -> None:
    """After sorting, each correction must still follow its own log: no other line of the
    same sender in the same room in between (that is what "the last record" means)."""
    position = {id(line): n for n, line in enumerate(chat.lines)}
    for correction, target in chat.targets:
        start, end = position[id(target)], position[id(correction)]
        between = [
            line
            for line in chat.lines[start + 1 : end]
            if (line["room"], line["sender"]) == (target["room"], target["sender"])
        ]
        assert start < end and not between, (target, correction, between)


def build() -> Chat:
    rng = random.Random(YEAR)
    chat = Chat()
    tz = "+08:00"

    def at(day: date, minutes: int) -> datetime:
        return datetime.fromisoformat(f"{day.isoformat()}T{time(8, 30).isoformat()}{tz}") + (
            timedelta(minutes=minutes)
        )

    # Hand-written edge cases first.
    new_year = date(YEAR, 1, 1)
    chat.log(
        at(new_year, 60),
        ROOMS[0],
        SENDERS[0],
        "昨天调解矛盾纠纷2件",
        [("disputes", "件", Decimal(2))],
        new_year - timedelta(days=1),
        True,
    )  # dated 2023-12-31: outside the year's totals
    chat.log(
        at(date(YEAR, 1, 2), 10),
        ROOMS[0],
        SENDERS[1],
        "投入普法经费6.177万元",
        [("publicity", "元", Decimal("61770"))],
        date(YEAR, 1, 2),
        True,
    )
    chat.log(
        at(date(YEAR, 1, 2), 20),
        ROOMS[0],
        SENDERS[1],
        "开具罚款5000元",
        [("enforcement", "元", Decimal(5000))],
        date(YEAR, 1, 2),
        True,
    )
    chat.log(
        at(date(YEAR, 1, 3), 30),
        ROOMS[1],
        SENDERS[2],
        "今天调解矛盾纠纷3件",
        [("disputes", "件", Decimal(3))],
        date(YEAR, 1, 3),
        False,
    )
    chat.correct(
        at(date(YEAR, 1, 3), 35), ROOMS[1], SENDERS[2], "刚才那条写错了，是4件", Decimal(4), False
    )
    chat.log(
        at(date(YEAR, 1, 3), 50),
        ROOMS[1],
        SENDERS[2],
        "今天排查矛盾纠纷5次",
        [("disputes", "次", Decimal(5))],
        date(YEAR, 1, 3),
        False,
    )
    chat.correct(at(date(YEAR, 1, 3), 52), ROOMS[1], SENDERS[2], "撤回", None, False)

    rates = []
    for day in working_days(YEAR):
        minute = rng.randint(0, 30)
        for _ in range(rng.choice((0, 1, 1, 1, 2))):
            minute += rng.randint(5, 90)
            room = rng.choice(ROOMS)
            sender = rng.choice(SENDERS)
            with_id = rng.random() < 0.5
            roll = rng.random()
            vals = values(rng)
            if roll < 0.45:
                template, spec = rng.choice(SINGLE)
            elif roll < 0.65:
                template, spec = rng.choice(MULTI)
            elif roll < 0.9:
                chat.say(at(day, minute), room, sender, rng.choice(CHATTER).format(**vals), with_id)
                continue
            else:
                text, _kind = rng.choice(OTHER)
                chat.say(at(day, minute), room, sender, text, with_id)
                continue
            fact_day = day - timedelta(days=1) if template.startswith("昨天") else day
            facts = [
                (s, u, amount(v, vals) if v.startswith("m_") else Decimal(vals[v]))
                for s, u, v in spec
            ]
            chat.log(
                at(day, minute), room, sender, template.format(**vals), facts, fact_day, with_id
            )
            fix = rng.random()
            if fix < 0.06:
                minute += 3
                chat.correct(
                    at(day, minute), room, sender, rng.choice(("撤回", "上一条删掉")), None, with_id
                )
            elif fix < 0.12 and len(facts) == 1 and not spec[0][2].startswith("m_"):
                minute += 3
                new = facts[0][1]
                value = Decimal(vals[spec[0][2]]) + rng.randint(1, 3)
                text = rng.choice(
                    ("刚才那条写错了，是{n}{u}", "更正为{n}{u}", "不对，应该是{n}{u}")
                )
                chat.correct(
                    at(day, minute), room, sender, text.format(n=value, u=new), value, with_id
                )
        if day.day == 28:  # the monthly mediation success rate
            rate = rng.choice((95, 96, 97, 98, 99))
            rates.append((day, rate))
            chat.log(
                at(day, 500),
                ROOMS[1],
                SENDERS[3],
                f"本月调解成功率{rate}%",
                [("disputes", "%", Decimal(rate))],
                day,
                True,
            )
    chat.in_time_order()
    return chat


def expected(chat: Chat) -> dict:
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    records: dict[str, int] = defaultdict(int)
    latest_rate: dict[str, tuple[date, Decimal]] = {}
    for record in chat.records:
        if not record["active"] or record["date"].year != YEAR:
            continue
        records[record["section"]] += 1
        if record["unit"] == "%":
            if (
                record["section"] not in latest_rate
                or record["date"] >= latest_rate[record["section"]][0]
            ):
                latest_rate[record["section"]] = (record["date"], record["value"])
            continue
        summed_as = SUMMED_AS.get(record["unit"], record["unit"])
        totals[record["section"]][summed_as] += record["value"]
    for section, (_day, value) in latest_rate.items():
        totals[section]["%"] = value
    return {
        "year": YEAR,
        "town": TOWN,
        "totals": {
            s: {u: str(v) for u, v in sorted(units.items())} for s, units in sorted(totals.items())
        },
        "records": dict(sorted(records.items())),
        "messages": len(chat.lines),
        "facts_logged": len(chat.records),
        "corrections": len(chat.targets),
    }


def main() -> None:
    chat = build()
    with (HERE / "year_chat.jsonl").open("w", encoding="utf-8") as out:
        for line in chat.lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    (HERE / "year_chat_expected.json").write_text(
        json.dumps(expected(chat), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"{len(chat.lines)} lines, {sum(r['active'] for r in chat.records)} active facts")


if __name__ == "__main__":
    main()
