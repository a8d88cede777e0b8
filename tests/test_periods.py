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
