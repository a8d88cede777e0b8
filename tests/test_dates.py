"""Date rules from the annotation guide, resolved against a fixed message time."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from nlu.dates import find_dates

CST = timezone(timedelta(hours=8))
NOW = datetime(2024, 5, 16, 15, 0, tzinfo=CST)  # a Thursday


def day_of(text: str, now: datetime = NOW) -> date:
    found = find_dates(text, now)
    assert len(found) == 1, (text, found)
    return found[0].date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天调解纠纷3件", date(2024, 5, 16)),
        ("今日", date(2024, 5, 16)),
        ("今早", date(2024, 5, 16)),
        ("上午在村里", date(2024, 5, 16)),
        ("下午开展宣传", date(2024, 5, 16)),
        ("刚才调解了一起", date(2024, 5, 16)),
        ("刚刚", date(2024, 5, 16)),
        ("昨天", date(2024, 5, 15)),
        ("昨日", date(2024, 5, 15)),
        ("昨晚", date(2024, 5, 15)),
        ("前天", date(2024, 5, 14)),
        ("夜来下午县司法局来镇里培训", date(2024, 5, 15)),  # dialect words (dates.yml)
        ("琴日调解咗2宗", date(2024, 5, 15)),
        ("前儿个开的会", date(2024, 5, 14)),
        ("下昼去咗大坪村", date(2024, 5, 16)),
        ("本周一", date(2024, 5, 13)),
        ("这周三", date(2024, 5, 15)),
        ("周三", date(2024, 5, 15)),
        ("星期三", date(2024, 5, 15)),
        ("礼拜三", date(2024, 5, 15)),
        ("周四", date(2024, 5, 16)),
        ("周五", date(2024, 5, 10)),  # after now: the previous week's Friday
        ("星期天", date(2024, 5, 12)),
        ("本周日", date(2024, 5, 12)),
        ("上周五", date(2024, 5, 10)),
        ("上星期五", date(2024, 5, 10)),
        ("上礼拜五", date(2024, 5, 10)),
        ("上周一", date(2024, 5, 6)),
        ("3月5日", date(2024, 3, 5)),
        ("3月5号", date(2024, 3, 5)),
        ("3.5", date(2024, 3, 5)),
        ("3-5", date(2024, 3, 5)),
        ("2024年3月5日", date(2024, 3, 5)),
        ("2023年12月1日", date(2023, 12, 1)),
        ("2023-12-01", date(2023, 12, 1)),
        ("三月五日", date(2024, 3, 5)),
        ("5月16日", date(2024, 5, 16)),
        ("6月1日", date(2023, 6, 1)),  # after now with no year: last year
        ("12.25", date(2023, 12, 25)),
        ("5号", date(2024, 5, 5)),
        ("5日", date(2024, 5, 5)),
        ("16号", date(2024, 5, 16)),
        ("20号", date(2024, 4, 20)),  # after now: previous month
        ("上月20日", date(2024, 4, 20)),
        ("5月10日至12日", date(2024, 5, 10)),
        ("5月10日-5月12日", date(2024, 5, 10)),
        ("去年12月5日", date(2023, 12, 5)),
        ("补报：5.3，组织学法1次", date(2024, 5, 3)),  # after a colon of words, not a time's
        ("【台账】14日 开展防汛巡查", date(2024, 5, 14)),  # a bracket without a year
    ],
)
def test_guide_rules(text: str, expected: date) -> None:
    assert day_of(text) == expected


def test_mention_offsets_cover_the_raw_text() -> None:
    text = "昨天在白岩村开展普法宣传两场"
    (mention,) = find_dates(text, NOW)
    assert (mention.start, mention.end, mention.raw) == (0, 2, "昨天")


def test_named_day_governs_time_of_day() -> None:
    assert [m.raw for m in find_dates("昨天下午调解纠纷", NOW)] == ["昨天"]
    assert [m.raw for m in find_dates("5月3日上午开展宣传", NOW)] == ["5月3日"]


def test_time_of_day_alone_is_weak_today() -> None:
    (mention,) = find_dates("下午调解纠纷3件", NOW)
    assert mention.weak and mention.date == NOW.date()


def test_weekday_on_monday_and_sunday() -> None:
    monday = datetime(2024, 5, 13, 9, 0, tzinfo=CST)
    assert day_of("周三", monday) == date(2024, 5, 8)
    assert day_of("周一", monday) == date(2024, 5, 13)
    sunday = datetime(2024, 5, 19, 9, 0, tzinfo=CST)
    assert day_of("周日", sunday) == date(2024, 5, 19)
    assert day_of("上周日", sunday) == date(2024, 5, 12)


def test_year_turn() -> None:
    january = datetime(2025, 1, 3, 10, 0, tzinfo=CST)
    assert day_of("12月30日", january) == date(2024, 12, 30)
    assert day_of("28号", january) == date(2024, 12, 28)
    assert day_of("上周五", january) == date(2024, 12, 27)


def test_day_missing_from_this_month_goes_back_further() -> None:
    march_3 = datetime(2024, 3, 3, 10, 0, tzinfo=CST)
    assert day_of("31号", march_3) == date(2024, 1, 31)


def test_local_date_of_an_aware_now_is_used() -> None:
    late_utc = datetime(2024, 5, 16, 17, 0, tzinfo=timezone.utc)  # 01:00 on the 17th in CST
    assert day_of("今天", late_utc.astimezone(CST)) == date(2024, 5, 17)
    assert day_of("今天", late_utc) == date(2024, 5, 16)


@pytest.mark.parametrize(
    "text",
    [
        "3号楼",
        "第3次",
        "3.5小时",
        "发放3.5万份",
        "1-3件",
        "2月30日",
        "今年以来",
        "发〔2024〕3号",
        "[2024]5号",
        "10:3.5",
        "一号文件",
        "三号会议室",
        "下午3点",
        "电话13812345678",
        "",
        "收到",
        "5月3场",
        "😀",
        "周年",
        "十四五",
    ],
)
def test_not_dates(text: str) -> None:
    assert [m for m in find_dates(text, NOW) if not m.weak] == []


def test_future_words_resolve_forward() -> None:
    assert day_of("明天", NOW) == date(2024, 5, 17)
    assert day_of("下周三", NOW) == date(2024, 5, 22)


def test_several_mentions_in_order() -> None:
    found = find_dates("5月14日排查，5月15日调解", NOW)
    assert [m.date for m in found] == [date(2024, 5, 14), date(2024, 5, 15)]


def test_bad_input_never_raises() -> None:
    rng = random.Random(7)
    alphabet = list("0123456789０.-/年月日号周星期礼拜一二三四五六日天上本这下今昨前至到~ 😀\x00")
    samples = ["", " ", "\x00", "😀" * 100, "9" * 10_000, "月" * 5000, "99月99日", "0月0日", "周8"]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(400)
    ]
    for text in samples:
        for mention in find_dates(text, NOW):
            assert text[mention.start : mention.end] == mention.raw
            assert isinstance(mention.date, date)
    assert find_dates(None, NOW) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("周二周三开展宣传", date(2024, 5, 14)),
        ("周一、周二调解", date(2024, 5, 13)),
        ("星期二和星期三巡查", date(2024, 5, 14)),
        ("上周四周五两天培训", date(2024, 5, 9)),
    ],
)
def test_two_weekdays_written_together_give_the_first(text: str, expected: date) -> None:
    assert day_of(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("3月份办件汇总", date(2024, 3, 1)),
        ("10月份的补一下", date(2023, 10, 1)),  # October is after May 16: last year's
        ("去年12月份", date(2023, 12, 1)),
        ("上周联合市场监管所检查", date(2024, 5, 6)),  # the Monday of last week
        ("上上周", date(2024, 4, 29)),
        ("上周五", date(2024, 5, 10)),  # a named weekday still wins
    ],
)
def test_a_month_or_last_week_gives_its_first_day(text: str, expected: date) -> None:
    assert [d.date for d in find_dates(text, NOW)] == [expected]


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("8月共受理信访事项6件", NOW, date(2023, 8, 1)),  # August is after May 16: last year's
        ("4月共调解纠纷12件", NOW, date(2024, 4, 1)),
        ("2023年11月办件", NOW, date(2023, 11, 1)),
        ("一季度网格事件213件", NOW, date(2024, 1, 1)),
        ("第四季度", NOW, date(2023, 10, 1)),
        ("3·5学雷锋日那天摆摊", NOW, date(2024, 3, 5)),
        ("5·12那天试了视频调解", NOW, date(2024, 5, 12)),
        ("国庆期间接待来访8批", datetime(2025, 10, 9, 9, tzinfo=CST), date(2025, 10, 1)),
        ("清明三天劝导四百人次", datetime(2026, 4, 7, 9, tzinfo=CST), date(2026, 4, 4)),
        ("春节期间走访返乡人员", datetime(2026, 2, 25, 9, tzinfo=CST), date(2026, 2, 15)),
        ("节日期间受理来访3件", datetime(2025, 10, 9, 9, tzinfo=CST), date(2025, 10, 1)),
        ("周末两天帮群众线上办理", datetime(2023, 4, 17, 9, tzinfo=CST), date(2023, 4, 15)),
        ("周末加班整理台账", datetime(2023, 4, 16, 20, tzinfo=CST), date(2023, 4, 15)),
        ("上周末搞了个普法活动", datetime(2024, 3, 11, 9, tzinfo=CST), date(2024, 3, 9)),
        ("上个月的补一下：法律咨询12人次", NOW, date(2024, 4, 1)),
        ("上月漏报的两场普法", datetime(2025, 1, 6, 9, tzinfo=CST), date(2024, 12, 1)),
        ("昨天到今天查了农资店5家", NOW, date(2024, 5, 15)),
        ("周二至今天查处占道经营7起", NOW, date(2024, 5, 14)),
    ],
)
def test_periods_give_their_first_day(text: str, now: datetime, expected: date) -> None:
    assert [d.date for d in find_dates(text, now) if not d.weak] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "响应4·15全民国家安全教育日，上了一堂课",  # the name of a day, not the day of the work
        "5·12防灾减灾日前的演练",
        "3个月来",
        "8月底前完成",
        "国庆节前检查",  # before the holiday: the message's own day
        "公开了三季度惠民补贴发放名单",
        "上月底前完成整改",  # a part of last month: no first day
    ],
)
def test_names_and_durations_are_not_dates(text: str) -> None:
    assert [m for m in find_dates(text, NOW) if not m.weak] == []


def test_a_day_written_beside_a_month_dates_the_work() -> None:
    from nlu.facts import extract

    found = extract("6月份的机关干部学法日今天搞了，参加30人", datetime(2024, 6, 25, 9, tzinfo=CST))
    assert [(f.value, f.date) for f in found.facts] == [(30, date(2024, 6, 25))]


def test_a_day_written_in_the_periods_own_clause_dates_the_figures_after_it() -> None:
    from nlu.facts import extract

    now = datetime(2025, 4, 9, 9, tzinfo=CST)
    found = extract("今天把一季度的村务财务公开都传上去了，一共三十六条", now)
    assert [(f.value, f.date) for f in found.facts] == [(36, date(2025, 4, 9))]
    found = extract("一季度的村务财务公开都传上去了，一共三十六条", now)
    assert [(f.value, f.date) for f in found.facts] == [(36, date(2025, 1, 1))]
