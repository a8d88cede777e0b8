"""The place words are data (data/lexicon/places.yml): editing a copy of the file changes what
is read as a place, and `taizhang lexicon check` reports what is wrong with it in Chinese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from actions import replies
from bot.cli import app
from nlu import place_words
from nlu.place_words import PLACES_FILE, load, problems
from nlu.places import find_places


def _shipped() -> dict[str, Any]:
    return yaml.safe_load(PLACES_FILE.read_text("utf-8"))


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "places.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def _names(text: str, path: Path | None = None) -> list[str]:
    words = load(path) if path else None
    return [p.name for p in find_places(text, words)]


def _add_suffix(data: dict[str, Any]) -> None:
    data["suffixes"]["屯"] = {"max_name": 3, "level": 2, "groups": True}


def _add_guard(data: dict[str, Any]) -> None:
    data["guard_after"]["村"].append("委员")


def _add_boundary(data: dict[str, Any]) -> None:
    data["boundary_words"].append("看望")


def _add_generic(data: dict[str, Any]) -> None:
    data["generic_names"].append("和平")


def _add_group_word(data: dict[str, Any]) -> None:
    data["groups"]["generic"].append("李家")


@pytest.mark.parametrize(
    ("edit", "text", "before", "after"),
    [
        (_add_suffix, "在吴家屯三组调解纠纷", [], ["吴家屯三组"]),
        (_add_guard, "白岩村委员会开展普法", ["白岩村"], []),
        (_add_boundary, "看望石门村留守老人", ["看望石门村"], ["石门村"]),
        (_add_generic, "在和平村调解", ["和平村"], []),
        (_add_group_word, "在李家组调解", ["李家组"], []),
    ],
)
def test_a_word_added_to_the_data_changes_the_reading(tmp_path, edit, text, before, after):
    assert _names(text) == before
    data = _shipped()
    edit(data)
    assert _names(text, _write(tmp_path, data)) == after
    assert _names(text) == before  # the shipped words are untouched


def test_an_unchanged_copy_reads_like_the_shipped_file(tmp_path):
    path = _write(tmp_path, _shipped())
    texts = ("青山镇白岩村三组调解", "又去了坪上组 接待4人次", "组织全镇干部学法", "新华居委会")
    for text in texts:
        assert _names(text, path) == _names(text), text


def test_the_shipped_place_words_pass_the_check():
    assert problems() == []


def test_broken_place_words_are_each_reported_in_chinese(tmp_path):
    data = _shipped()
    data["guard_after"]["镇子"] = ["长"]  # 镇子 is not a suffix
    data["guard_after"]["乡"].append("贤")  # already there
    data["boundary_words"].append({"re": "在"})  # words only
    data["generic_endings"] = []
    data["generic_names"].append({"re": "(?:示范"})
    data["suffixes"]["屯"] = {"max_name": 0, "level": 3, "group": True}
    data["conjunctions"].append("或")
    data["groups"]["before_name"].append("去了")
    del data["groups"]["max_name"]
    data["place_names"] = ["白岩"]
    found = {(key, where) for key, where, _ in problems(_write(tmp_path, data))}
    assert found == {
        ("guard_not_suffix", "guard_after/镇子"),
        ("place_word_twice", "guard_after/乡"),
        ("place_not_a_word", "boundary_words"),
        ("place_words_empty", "generic_endings"),
        ("bad_pattern", "generic_names"),
        ("place_suffix_value", "suffixes/屯"),
        ("place_words_missing", "suffixes/屯/groups"),
        ("place_key_unknown", "suffixes/屯/group"),
        ("conjunction_not_boundary", "conjunctions"),
        ("place_word_twice", "groups/before_name"),
        ("place_words_missing", "groups/max_name"),
        ("place_key_unknown", "place_names"),
    }
    for key, where, detail in problems(_write(tmp_path, data)):
        said = replies.text(f"cli.lexicon_problem.{key}", where=where, detail=detail)
        assert "{where}" not in said and "{detail}" not in said
        assert where in said or detail in said


def test_fragments_that_only_break_together_are_reported(tmp_path):
    data = _shipped()
    data["generic_names"].append({"re": "(?P<x>甲)"})  # each list compiles on its own,
    data["generic_endings"].append({"re": "(?P<x>乙)"})  # one pattern cannot name x twice
    found = [(key, where) for key, where, _ in problems(_write(tmp_path, data))]
    assert found == [("bad_pattern", "places.yml")]


def test_the_check_fails_on_broken_place_words(monkeypatch, tmp_path):
    data = _shipped()
    data["guard_after"]["镇子"] = ["长"]
    monkeypatch.setattr(place_words, "PLACES_FILE", _write(tmp_path, data))
    result = CliRunner().invoke(app, ["lexicon", "check"])
    assert result.exit_code == 1
    assert "排除词“guard_after/镇子”对应的不是地名后缀" in result.output
