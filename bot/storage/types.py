"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no time zones: without care an aware datetime goes in and a naive one comes out,
and comparisons silently mix the two. Every timestamp is therefore stored as UTC and read
back as an aware UTC datetime, whatever the database.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import DateTime, Numeric
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as UTC; naive input is refused (it would be ambiguous)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Amount(TypeDecorator):
    """An exact Decimal with 6 places: NUMERIC(24, 6) on PostgreSQL.

    SQLite has no decimal type; it stores whole numbers as integers (summed exactly) and the
    rest as doubles. Values are read back rounded to 6 places, which is exact for ledger
    values (a double holds 15 significant digits: up to 10^9 with 6 decimals).
    """

    impl = Numeric(24, 6)
    cache_ok = True
    PLACES = Decimal("0.000001")

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(24, 6, asdecimal=False))
        return dialect.type_descriptor(Numeric(24, 6))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        if dialect.name == "sqlite":
            return int(amount) if amount == amount.to_integral_value() else float(amount)
        return amount

    def process_result_value(self, value, dialect) -> Decimal | None:
        if value is None:
            return None
        amount = value if isinstance(value, Decimal) else Decimal(repr(value))
        return amount.quantize(self.PLACES)
