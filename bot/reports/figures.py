"""How a figure is written in the report: exactly as the chat summaries write it.

The unit rules (money summed in 元, shown in 万元 from 10,000 元; rates never summed; no
rounding, no 余) live in bot.storage.units, shared with the chat answers. This module only
adds what the prose needs on top: dates in Chinese and JSON-friendly numbers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.storage.units import display, is_money, is_rate, normalise, plain, to_decimal

__all__ = ["chinese_date", "figure", "is_money", "is_rate", "json_number", "plain", "to_decimal"]


def figure(value: Decimal | float | int | str, unit: str) -> str:
    """One figure as the report writes it: '406件', '24起', '98.8%', '6.177万元', '5000元'.
    Money is summed in 元 and shown in 万元 from 10,000 元; other units stay as stated."""
    if is_money(unit):
        amount, summing_unit = normalise(value, unit)
        return display(amount, summing_unit)
    return display(to_decimal(value), "%" if is_rate(unit) else unit)


def json_number(value: Decimal | float | int | str) -> int | float:
    """Whole values as int (406), others as float (6.177): what the JSON report holds."""
    number = to_decimal(value)
    if number == number.to_integral_value():
        return int(number)
    return float(plain(number))


def chinese_date(day: date, with_year: bool = False) -> str:
    """'5月18日' (or '2024年5月18日'): how report prose dates an event or the draft."""
    text = f"{day.month}月{day.day}日"
    return f"{day.year}年{text}" if with_year else text
