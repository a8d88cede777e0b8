"""The progress picture: the heat map's numbers are the ledger's, the font is a CJK font
found through the report's font config, and the picture travels with "看看进度" and the
monthly digest through every channel (console saves it, replay records it; the Wechaty
channel is in test_wechaty_fake_puppet.py and test_wechaty_official.py)."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from matplotlib.image import imread
from rich.console import Console

from actions import replies
from bot.channels.console import CHANNEL as CONSOLE
from bot.channels.console import chat
from bot.channels.replay import replay
from bot.dispatcher import Dispatcher
from bot.onboarding import ExportRegistrar
from bot.reports import picture
from bot.reports.fonts import FONTCONFIG, cjk_font, covers, preferred_families
from bot.reports.sample import populate_year
from bot.scheduler.deliveries import deliver
from bot.storage import aggregate
from bot.storage.registry import add_person, bind_room, find_town
from tests.ledger_helpers import ScriptedParser, logged, query

PNG = b"\x89PNG\r\n\x1a\n"
AS_OF = date(2024, 8, 20)
SCRIPT = {
    "看看进度": query("看看进度"),
    "今年矛盾纠纷化解情况": query("今年矛盾纠纷化解情况", section="disputes", period="year"),
    "今天调解纠纷3件": logged("今天调解纠纷3件", ("disputes", "调解矛盾纠纷", 3, "件")),
}


def test_the_font_is_the_report_font_configs_cjk_font():
    families = preferred_families("黑体")
    assert families[:2] == ["SimHei", "Noto Sans CJK SC"]  # as data/report/fontconfig.conf
    assert "黑体" in FONTCONFIG.read_text(encoding="utf-8")
    font = cjk_font()
    assert font is not None and covers(font, "白岩镇法治工作台账进度各方面每月记录条数")
    assert not covers(Path(font).with_name("missing.ttf"))


def test_coverage_is_the_ledgers_records_per_section_and_month(session_factory):
    with session_factory() as session:
        populate_year(session, "白岩镇", 2024, n_facts=300)
        session.commit()
        town = find_town(session, "白岩镇")
        coverage = picture.read_coverage(session, town.id, town.name, 2024, AS_OF)
        to_date = aggregate.records_per_section(session, town.id, date(2024, 1, 1), AS_OF)
        month = aggregate.records_per_section(session, town.id, date(2024, 8, 1), AS_OF)
    assert coverage.months_so_far == 8
    for section in aggregate.SECTION_IDS:
        row = coverage.row(section)
        assert sum(row) == to_date.get(section, 0)
        assert row[7] == month.get(section, 0)
        assert row[8:] == [0, 0, 0, 0]  # recorded later than AS_OF: not known yet
    assert coverage.records == sum(to_date.values()) > 0


def _pixels_near(image, colour, tolerance=0.02) -> int:
    diff = abs(image[:, :, :3] - colour[:3]).max(axis=2)
    return int((diff < tolerance).sum())


def test_the_png_shows_gaps_and_months_to_come():
    counts = {"disputes": {1: 3, 2: 9, 5: 1}, "publicity": {m: 2 for m in range(1, 9)}}
    png = picture.render_png(picture.Coverage("白岩镇", 2024, AS_OF, counts))
    assert png.startswith(PNG)
    image = imread(io.BytesIO(png))
    width, height = picture.SIZE_INCHES
    assert image.shape[:2] == (round(height * picture.DPI), round(width * picture.DPI))
    cell = 1000  # a heat map cell is well over 1,000 pixels
    # 10 sections x 8 months and 3 months of disputes are gaps; 12 x 4 months are to come
    assert _pixels_near(image, picture.GAP) > 80 * cell
    assert _pixels_near(image, picture.FUTURE) > 48 * cell
    empty = picture.render_png(picture.Coverage("白岩镇", 2024, AS_OF, {}))
    assert _pixels_near(imread(io.BytesIO(empty)), picture.GAP) > 96 * cell


@pytest.fixture
def bot(settings, session_factory, registered) -> Dispatcher:
    return Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))


def _follow_ups(answers) -> list:
    later = []
    for answer in answers:
        if answer.follow_up is not None:
            later += answer.follow_up.result(timeout=60)
    return later


def test_progress_question_gets_the_picture_after_the_text(bot, make_message):
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-16T10:00:00", mentions_bot=True))
    answers = bot.handle(make_message("看看进度", time="2024-05-16T11:00:00", mentions_bot=True))
    assert answers[0].text and answers[0].picture is None  # the text is not held up
    [shown] = _follow_ups(answers)
    assert shown.picture is not None and shown.picture.data.startswith(PNG)
    assert shown.picture.name == "白岩镇2024年台账进度.png"
    assert shown.mention == "zhang"
    section = bot.handle(
        make_message("今年矛盾纠纷化解情况", time="2024-05-16T11:05:00", mentions_bot=True)
    )
    assert all(a.picture is None for a in section) and _follow_ups(section) == []


def test_console_saves_the_picture_and_says_where(bot, settings, session_factory, registered):
    with session_factory() as session:
        town = find_town(session, "白岩镇")
        bind_room(session, CONSOLE, "console", town)
        add_person(session, CONSOLE, "me", town, display_name="我")
        session.commit()
    out = io.StringIO()
    chat(
        bot,
        "console",
        "me",
        console=Console(file=out, width=200),
        source=io.StringIO("看看进度\n"),
    )
    saved = list((Path(settings.data_dir) / "pictures").glob("*.png"))
    assert len(saved) == 1 and saved[0].read_bytes().startswith(PNG)
    said = replies.text("console.picture", path=saved[0])
    assert said in out.getvalue().replace("\n", "")


class AddressedDispatcher(Dispatcher):
    """As if every replayed line @-mentioned the bot (an export carries no mentions, so
    replay answers no question otherwise): what replay does with a picture is the test."""

    def process_batch(self, msgs):
        return super().process_batch([dataclasses.replace(m, mentions_bot=True) for m in msgs])


def test_replay_records_the_pictures_of_its_answers(settings, session_factory, tmp_path):
    bot = AddressedDispatcher(settings, session_factory, ScriptedParser(SCRIPT))
    export = tmp_path / "export.jsonl"
    lines = [
        {"time": "2024-05-16T09:00:00+08:00", "room": "群1", "sender": "张三", "text": text}
        for text in ("今天调解纠纷3件", "看看进度")
    ]
    export.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    summary = replay(
        export, bot, admit=ExportRegistrar(bot.session_factory, "白岩镇", "replay").admit
    )
    assert summary.facts_logged == 1
    assert summary.pictures == ["白岩镇2024年台账进度.png"]


def test_monthly_digest_carries_the_picture(settings, session_factory, registered):
    with session_factory() as session:
        populate_year(session, "白岩镇", 2024, n_facts=200)
        session.commit()
    sent = []
    now = datetime.fromisoformat("2024-09-02T09:00:00+08:00")  # first workday of September
    delivery = deliver(
        session_factory, settings, lambda room, reply: sent.append((room, reply)), "digest",
        registered.town_id, now, channel=registered.channel,
    )  # fmt: skip
    assert delivery.sends, delivery.reason
    [(room, reply)] = sent
    assert reply == delivery.reply and "白岩镇" in reply.text
    assert reply.picture is not None and reply.picture.data.startswith(PNG)
    assert reply.picture.name == "白岩镇2024年台账进度.png"
    assert room == delivery.room == registered.room
