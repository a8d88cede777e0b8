"""Every period people say in a question, resolved against the day it is asked."""

from __future__ import annotations

from datetime import date

import pytest

from nlu.periods import find_period

ASKED = date(2024, 11, 20)  # a Wednesday


@pytest.mark.parametrize(
    ("words", "start", "end", "label"),
    [
        ("今天进度", date(2024, 11, 20), date(2024, 11, 20), "今天"),
        ("昨天记了几条", date(2024, 11, 19), date(2024, 11, 19), "昨天"),
        ("本周进度", date(2024, 11, 18), date(2024, 11, 24), "本周"),
        ("上周进度", date(2024, 11, 11), date(2024, 11, 17), "上周"),
        ("本月进度", date(2024, 11, 1), date(2024, 11, 30), "本月"),
        ("上个月进度", date(2024, 10, 1), date(2024, 10, 31), "上个月"),
        ("10月份调解了几件", date(2024, 10, 1), date(2024, 10, 31), "10月"),
        ("十二月份调解了几件", date(2023, 12, 1), date(2023, 12, 31), "2023年12月"),
        ("一季度进度", date(2024, 1, 1), date(2024, 3, 31), "第一季度"),
        ("第三季度进度", date(2024, 7, 1), date(2024, 9, 30), "第三季度"),
        ("去年三季度", date(2023, 7, 1), date(2023, 9, 30), "2023年第三季度"),
        ("上半年进度", date(2024, 1, 1), date(2024, 6, 30), "上半年"),
        ("今年调解多少件", date(2024, 1, 1), date(2024, 12, 31), "今年"),
        ("去年调解多少件", date(2023, 1, 1), date(2023, 12, 31), "去年"),
        ("2022年调解多少件", date(2022, 1, 1), date(2022, 12, 31), "2022年"),
        ("11月1日到15日调解了几件", date(2024, 11, 1), date(2024, 11, 15), ""),
        ("12月1日到15日调解了几件", date(2023, 12, 1), date(2023, 12, 15), ""),
        ("10月份以来调解了几件", date(2024, 10, 1), date(2024, 11, 20), ""),
    ],
)
def test_period_words(words, start, end, label):
    found = find_period(words, ASKED)
    assert (found.start, found.end, found.label) == (start, end, label)


def test_no_period_named():
    assert find_period("调解成功率多少", ASKED) is None


@pytest.mark.parametrize(
    ("words", "coarse", "start", "end"),
    [
        ("这礼拜报了几条", "week", date(2024, 11, 18), date(2024, 11, 24)),
        ("上个星期的给我汇总下", "week", date(2024, 11, 11), date(2024, 11, 17)),
        ("3月份全镇一共报了几条", "month", date(2024, 3, 1), date(2024, 3, 31)),
        ("上月信访接待多少人次", "month", date(2024, 10, 1), date(2024, 10, 31)),
        ("8月份到现在执法检查几次", "month", date(2024, 8, 1), date(2024, 11, 20)),
        ("第二季度执法检查几次", "quarter", date(2024, 4, 1), date(2024, 6, 30)),
        ("这个季度普法几场", "quarter", date(2024, 10, 1), date(2024, 12, 31)),
        ("去年一共调解了多少", "year", date(2023, 1, 1), date(2023, 12, 31)),
        ("2023年的台账汇总", "year", date(2023, 1, 1), date(2023, 12, 31)),
        # A day, a half-year or a stretch of days is no period of the contract
        ("今天大家报了几条", None, date(2024, 11, 20), date(2024, 11, 20)),
        ("上半年调解几件", None, date(2024, 1, 1), date(2024, 6, 30)),
        ("11月1日到15日调解了几件", None, date(2024, 11, 1), date(2024, 11, 15)),
        # The narrowest period named is the one asked about
        ("今年上半年普法几场", None, date(2024, 1, 1), date(2024, 6, 30)),
        ("今年本月学法几次", "month", date(2024, 11, 1), date(2024, 11, 30)),
        # A day that closes the stretch is not the period asked about
        ("截至今天全年调解多少件", "year", date(2024, 1, 1), date(2024, 12, 31)),
        ("截止到今天这个月记了几条", "month", date(2024, 11, 1), date(2024, 11, 30)),
        # Spaces between the words (voice input, a terse writer's habit)
        ("这 个 月 普法 几场", "month", date(2024, 11, 1), date(2024, 11, 30)),
    ],
)
def test_contract_period_of_what_is_named(words, coarse, start, end):
    found = find_period(words, ASKED)
    assert (found.coarse, found.start, found.end) == (coarse, start, end)


def test_every_contract_period_is_one_of_the_contract():
    from nlu.periods import vocabulary

    assert set(vocabulary()["contract_periods"].values()) <= {"year", "quarter", "month", "week"}
