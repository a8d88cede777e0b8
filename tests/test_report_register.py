"""The draft speaks a report's language: no chat words (data/report/chat_words.yml) in any
draft, even one made from a chatty year through the real parser; places only as the town
writes them (data/report/places.yml)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.channels.replay import replay
from bot.dispatcher import Dispatcher
from bot.onboarding import ExportRegistrar
from bot.reports import draft
from bot.reports.chat_words import chat_words, chat_words_in
from bot.reports.phrasebook import load_phrasebook
from bot.reports.places import cited_places
from nlu.catalogue import catalogue

YEARS = Path(__file__).parent / "data" / "years"


def test_the_chat_word_list_catches_chat_and_spares_report_language():
    said = "@法治台账 11月30日在石门村搞了一场普法宣传，来了四十来个人，顺便两起纠纷都调成了😊"
    assert {"搞了", "来了", "来个", "顺便", "调成了", "都调成", "@", "😊"} <= set(
        chat_words_in(said)
    )
    formal = "11月30日，在石门村围绕民法典开展普法宣传活动，参与群众40人。营造了良好的法治氛围。"
    assert chat_words_in(formal) == []


def test_no_report_wording_or_activity_name_holds_a_chat_word():
    """Every fixed sentence of the draft and every name it may state is report language."""

    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)

    phrases = load_phrasebook().data
    skip = ("cli", "errors", "unreviewed")  # console messages; the author's note on new names
    found = [
        (text, chat_words_in(text))
        for key, node in phrases.items()
        if key not in skip
        for text in strings(node)
        if chat_words_in(text)
    ]
    assert found == []
    assert [a.name for a in catalogue() if chat_words_in(a.name)] == []
    assert len(chat_words()) >= 20


def test_places_are_cited_as_the_town_writes_them():
    said = [("北营村", f"m{i}") for i in range(5)] + [
        ("件北营村", "a"),
        ("件北营村", "b"),
        ("周二许良村", "c"),
        ("许良村", "d"),
        ("另外兴隆村", "e"),
        ("兴隆村", "f"),
        ("兴隆村", "g"),
        ("上北营村", "h"),
        ("上北营村", "i"),
        ("其余村", "j"),
        ("其余村", "k"),
        ("雨季村", "l"),
        ("农村", "m"),
        ("农村", "n"),
    ]
    assert cited_places(said) == {
        "北营村": "北营村",
        "件北营村": "北营村",  # a stray word of the sentence in front of a known village
        "周二许良村": "许良村",  # a day in front: when, not where
        "许良村": "许良村",
        "另外兴隆村": "兴隆村",
        "兴隆村": "兴隆村",
        "上北营村": "上北营村",  # another village, named twice
        "其余村": None,  # no particular village
        "雨季村": None,  # named once: not known to be a place
        "农村": None,
    }


@pytest.mark.parametrize("folder", sorted(p.name for p in YEARS.iterdir() if p.is_dir()))
def test_a_draft_from_a_chatty_year_holds_no_chat_word(folder, settings, session_factory, parser):
    """A written year of group chat (voice input, emoji, 俩, 一百来号人, 调成了) through the real
    parser and the ledger: the draft from the title to the signature holds no chat word."""
    path = YEARS / folder / "chat.jsonl"
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    years = [x["time"][:4] for x in lines if not x.get("outside_year")]
    year = int(max(set(years), key=years.count))
    export = settings.data_dir / "chat.jsonl"
    export.parent.mkdir(parents=True, exist_ok=True)
    keep = ("id", "time", "room", "sender", "text")
    export.write_text(
        "".join(json.dumps({k: x[k] for k in keep}, ensure_ascii=False) + "\n" for x in lines),
        "utf-8",
    )
    town = lines[0]["room"].removesuffix("法治工作群")
    bot = Dispatcher(settings, session_factory, parser)
    replay(export, bot, admit=ExportRegistrar(session_factory, town, "replay").admit)
    with session_factory() as session:
        report = draft(session, town, year, as_of=date(year + 1, 1, 15), settings=settings)
    body = []
    for block in report.blocks:
        body.append(block.lead + block.text)
        if block.kind == "signature":
            break
    text = "\n".join(body)
    assert town in text and "（三）" in text  # a real draft of that year
    assert [
        (word, text[max(0, text.index(word) - 20) :][:40]) for word in chat_words_in(text)
    ] == []


def test_the_chat_word_file_is_a_plain_list():
    data = yaml.safe_load((Path(__file__).parents[1] / "data/report/chat_words.yml").read_text())
    assert set(data) == {"words"} and all(isinstance(w, str) and w for w in data["words"])
