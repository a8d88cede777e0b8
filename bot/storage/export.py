"""Export of the ledger's active facts (`taizhang facts`): CSV, XLSX or JSON.

One row per active fact with its date, section, activity, value as written, unit, place,
sender, room and the original message text — plus, for a corrected value, the text of the
correcting message — so the file can be checked line by line against the chat.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bot.storage.models import Fact, FactStatus, Message, Person, Room, Town
from bot.storage.units import plain

FORMATS = ("csv", "xlsx", "json")
COLUMNS = (
    "fact_id",
    "town",
    "date",
    "section",
    "section_title",
    "activity",
    "value",
    "unit",
    "place",
    "sender",
    "room",
    "sent_at",
    "message_text",
    "correction_text",
)


@dataclass(frozen=True)
class FactRow:
    fact_id: int
    town: str
    date: date
    section: str
    section_title: str
    activity: str
    value: Decimal
    unit: str
    place: str | None
    sender: str
    room: str | None
    sent_at: datetime
    message_text: str
    correction_text: str | None


def fact_rows(
    session: Session,
    year: int,
    *,
    town_id: int | None = None,
    section_titles: dict[str, str] | None = None,
    timezone: str = "Asia/Shanghai",
) -> list[FactRow]:
    """Active facts dated in `year` (of one town, or all), in date order."""
    titles = section_titles or {}
    zone = ZoneInfo(timezone)
    previous = aliased(Fact)
    corrector = aliased(Message)
    query = (
        select(Fact, Town.name, Person.display_name, Room.topic, Room.channel_room_id)
        .add_columns(Message.text, Message.sent_at, corrector.text)
        .join(Town, Town.id == Fact.town_id)
        .join(Person, Person.id == Fact.person_id)
        .join(Message, Message.id == Fact.message_id)
        .outerjoin(Room, Room.id == Fact.room_id)
        .outerjoin(previous, previous.id == Fact.replaces_fact_id)
        .outerjoin(corrector, corrector.id == previous.corrected_by_message_id)
        .where(
            Fact.status == FactStatus.ACTIVE,
            Fact.fact_date >= date(year, 1, 1),
            Fact.fact_date <= date(year, 12, 31),
        )
        .order_by(Fact.fact_date, Message.sent_at, Fact.id)
    )
    if town_id is not None:
        query = query.where(Fact.town_id == town_id)
    rows = []
    for fact, town, sender, topic, room_id, text, sent_at, correction in session.execute(query):
        rows.append(
            FactRow(
                fact_id=fact.id,
                town=town,
                date=fact.fact_date,
                section=fact.section,
                section_title=titles.get(fact.section, fact.section),
                activity=fact.activity,
                value=Decimal(fact.value),
                unit=fact.unit,
                place=fact.place,
                sender=sender,
                room=topic or room_id,
                sent_at=sent_at.astimezone(zone),
                message_text=text,
                correction_text=correction,
            )
        )
    return rows


def _cell(value):
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return "" if value is None else value


def to_csv(rows: list[FactRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        values = [getattr(row, c) for c in COLUMNS]
        writer.writerow([as_text_cell(v) if isinstance(v, str) else _cell(v) for v in values])
    return buffer.getvalue()


def _json_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(plain(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def to_json(rows: list[FactRow]) -> str:
    data = [{k: _json_value(v) for k, v in asdict(row).items()} for row in rows]
    return json.dumps(data, ensure_ascii=False, indent=1)


# A cell beginning with one of these is a formula to a spreadsheet (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value: str) -> str:
    """A text that a spreadsheet shows as written, never evaluates: quoted with a leading
    apostrophe when it begins like a formula (OWASP's advice for CSV/XLSX exports)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_xlsx(rows: list[FactRow], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "facts"
    sheet.append(list(COLUMNS))
    for row in rows:
        cells = []
        for column in COLUMNS:
            value = getattr(row, column)
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            elif isinstance(value, datetime):
                value = value.replace(tzinfo=None)  # Excel has no time zones; local time
            elif isinstance(value, str):
                value = as_text_cell(value)
            cells.append(value)
        sheet.append(cells)
    sheet.freeze_panes = "A2"
    book.save(path)


def write(rows: list[FactRow], fmt: str, path: Path | None) -> str | None:
    """Write to `path` (required for xlsx); without a path, return the CSV/JSON text."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        if path is None:
            raise ValueError("xlsx needs an output path")
        write_xlsx(rows, path)
        return None
    content = to_csv(rows) if fmt == "csv" else to_json(rows)
    if path is None:
        return content
    path.write_text(content, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    return None
