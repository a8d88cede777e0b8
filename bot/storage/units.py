"""Units: what is summed with what, and how a total is written back for people.

Money is written in 元 or 万元 (sometimes 千元 or 亿元); it is summed in 元 and shown in 万元
once that reads better. Rates (%) are never summed. Other units with an exact whole-number
factor in data/units.yml (公里 -> 1000 米) are summed in their base unit; the rest as written.
All arithmetic is Decimal, so 6.177万元 + 5000元 is exactly 6.677万元.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

import yaml

from taizhang.resources import data_file

UNITS_FILE = data_file("units.yml")
MONEY_BASE = "元"
MONEY_FACTORS: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "亿元": Decimal(100000000),
}
RATE_UNITS = frozenset({"%", "％"})


@lru_cache(maxsize=1)
def _unit_data() -> dict:
    try:
        return yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}


@lru_cache(maxsize=1)
def base_units() -> dict[str, tuple[str, Decimal]]:
    """unit -> (base unit, exact factor), money always included; inexact factors
    (分钟 -> 1/60 小时) are left out so that sums stay exact."""
    table = {unit: (MONEY_BASE, factor) for unit, factor in MONEY_FACTORS.items()}
    entries = _unit_data().get("units", {})
    for unit, spec in entries.items():
        if not isinstance(spec, dict) or "base" not in spec or unit in table:
            continue
        try:
            factor = Decimal(str(spec.get("factor", 1)))
        except InvalidOperation:
            continue
        if factor > 0 and factor == factor.to_integral_value():
            table[str(unit)] = (str(spec["base"]), factor)
    return table


# When a money total reaches this many 元 it is shown in 万元.
WAN = Decimal(10000)


def to_decimal(value: float | int | str | Decimal) -> Decimal:
    """A Decimal from a parser float without binary noise (6.177 -> Decimal('6.177'))."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def unit_kind(unit: str) -> str | None:
    """count, money, percent, people, time, area, length or weight (data/units.yml)."""
    if unit in MONEY_FACTORS:
        return "money"
    if unit in RATE_UNITS:
        return "percent"
    spec = _unit_data().get("units", {}).get(unit)
    return spec.get("kind") if isinstance(spec, dict) else None


def is_rate(unit: str) -> bool:
    return unit in RATE_UNITS


def is_money(unit: str) -> bool:
    return unit in MONEY_FACTORS


def convertible(a: str, b: str) -> bool:
    """Two ways of writing one measure (万元 and 元, 公里 and 米, 起 and 件): same base unit."""
    units = base_units()
    return a in units and b in units and units[a][0] == units[b][0]


def normalise(value: float | int | str | Decimal, unit: str) -> tuple[Decimal, str]:
    """The value and unit used for summing: money in 元, % as '%', everything else unchanged."""
    amount = to_decimal(value)
    unit = (unit or "").strip()
    if is_rate(unit):
        return amount, "%"
    base = base_units().get(unit)
    if base is not None:
        return amount * base[1], base[0]
    return amount, unit


def plain(amount: Decimal) -> str:
    """Decimal as people write it: 3, 6.177, 0.5 — no exponent, no trailing zeros."""
    if amount == amount.to_integral_value():
        return f"{amount.quantize(Decimal(1)):f}"
    return f"{amount.normalize():f}"


def display(amount: Decimal, unit: str) -> str:
    """'3件', '6.177万元', '5000元', '98.5%'. Money of 10,000 元 or more is shown in 万元."""
    if unit == MONEY_BASE and abs(amount) >= WAN:
        return f"{plain(amount / WAN)}万元"
    return f"{plain(amount)}{unit}"
