"""Binding and paths: only an admin of the town binds a room to it, town names are
names, written files stay inside the data directory, exported cells that look like
formulas stay text, and only supervisors and admins get the report draft."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from bot.dispatcher import Dispatcher
from bot.paths import UnsafePath, inside, safe_file_stem
from bot.reports import default_path
from bot.storage.export import FactRow, to_csv, write_xlsx
from bot.storage.registry import (
    RegistryError,
    add_person,
    find_room,
    get_or_create_town,
)
from tests.ledger_helpers import ScriptedParser, simple


@pytest.fixture
def bot(settings, session_factory, registered):
    with session_factory() as session:
        add_person(session, "test", "boss", get_or_create_town(session, "白岩镇"), role="admin")
        other = get_or_create_town(session, "双土镇")
        add_person(session, "test", "boss2", other, role="admin")
        session.commit()
    script = {"要报告": simple("要报告", "request_report")}
    return Dispatcher(settings, session_factory, ScriptedParser(script))


def _bind(bot, make_message, text: str, sender: str, room: str) -> str:
    (reply,) = bot.handle(make_message(text, sender=sender, room=room, mentions_bot=True))
    return reply.text


def test_only_an_admin_of_the_town_binds_rooms_to_it(bot, make_message, session_factory):
    # an admin of 白岩镇 cannot bind a room to another town, nor take 白岩镇's room away
    assert "只能" in _bind(bot, make_message, "绑定 双土镇", "boss", "grp-new")
    assert "其他乡镇" in _bind(bot, make_message, "绑定 双土镇", "boss2", "grp-1")
    assert "管理员" in _bind(bot, make_message, "绑定 白岩镇", "li", "grp-new")  # supervisor
    for hostile in ("../../../../pwn", "[/x]", "双土镇/../x", "{{7*7}}"):
        assert "2 到 20" in _bind(bot, make_message, f"绑定 {hostile}", "boss", "grp-new")
    with session_factory() as session:
        assert find_room(session, "test", "grp-new") is None
        assert find_room(session, "test", "grp-1").town.name == "白岩镇"
    assert "双土镇" in _bind(bot, make_message, "绑定 双土镇", "boss2", "grp-new")
    with session_factory() as session:
        assert find_room(session, "test", "grp-new").town.name == "双土镇"
        with pytest.raises(RegistryError):
            get_or_create_town(session, "../../../../pwn")


def test_written_paths_stay_inside_the_data_directory(settings, tmp_path):
    assert safe_file_stem("../../../../pwn") == "pwn"
    assert safe_file_stem("白岩镇2024年法治政府建设情况报告") == "白岩镇2024年法治政府建设情况报告"
    assert (
        default_path(settings, "../../../../pwn", "docx").parent
        == (settings.data_dir / "reports").resolve()
    )
    with pytest.raises(UnsafePath):
        inside(tmp_path / "data", "..", "x")


def test_formula_like_cells_are_exported_as_text(tmp_path):
    row = FactRow(
        fact_id=1,
        town="白岩镇",
        date=date(2024, 5, 16),
        section="disputes",
        section_title="矛盾纠纷化解",
        activity="+调解",
        value=Decimal(-3),
        unit="件",
        place=None,
        sender="@张三",
        room="grp-1",
        sent_at=datetime(2024, 5, 16, 9, 0, tzinfo=timezone.utc),
        message_text='=HYPERLINK("http://evil","点我")',
        correction_text=None,
    )
    path = tmp_path / "facts.xlsx"
    write_xlsx([row], path)
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["message_text"].startswith("'=") and values["activity"] == "'+调解"
    assert values["sender"] == "'@张三"
    assert values["value"] == -3  # numbers stay numbers
    assert sheet.cell(2, header.index("message_text") + 1).data_type == "s"
    assert "'=HYPERLINK" in to_csv([row]) and ",-3," in to_csv([row])


def test_staff_do_not_get_the_report_draft(bot, make_message):
    (reply,) = bot.handle(make_message("要报告", sender="zhang", mentions_bot=True))
    assert "分管领导" in reply.text and reply.file is None
