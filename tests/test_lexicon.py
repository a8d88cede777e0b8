"""Word knowledge lives in data/: `taizhang lexicon check` reports what is wrong with it in
Chinese and fails, and the parser reads its cue words from there."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import app
from nlu import cues, facts
from nlu.cues import CUES_FILE, cue_source
from nlu.lexicon import section_problems
from nlu.sections import SECTIONS_FILE


def test_the_shipped_lexicon_passes():
    result = CliRunner().invoke(app, ["lexicon", "check"])
    assert result.exit_code == 0, result.output
    assert "词库检查通过" in result.output and "板块 12 个" in result.output


def test_broken_cue_words_are_each_reported(tmp_path):
    data = yaml.safe_load(CUES_FILE.read_text("utf-8"))
    data["cues"]["greet"] += ["你好"]  # already there
    data["cues"]["thanks"] = []
    data["cues"]["question"] += [{"re": "(?<!几"}]
    del data["cues"]["meeting"]
    data["cues"]["greting"] = ["早"]
    path = tmp_path / "cues.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    found = {(key, where) for key, where, _ in cues.problems(path)}
    assert found == {
        ("word_twice", "greet"),
        ("cue_empty", "thanks"),
        ("bad_pattern", "question"),
        ("cue_missing", "meeting"),
        ("cue_unknown", "greting"),
    }


def test_broken_activities_are_each_reported(tmp_path):
    data = yaml.safe_load(SECTIONS_FILE.read_text("utf-8"))
    study, leadership = data["sections"][0], data["sections"][1]
    study["activities"][0]["units"].append("坨")
    leadership["activities"][0]["patterns"].append(study["activities"][0]["patterns"][0])
    path = tmp_path / "sections.yml"
    shutil.copy(SECTIONS_FILE, path)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    found = {(key, detail) for key, _, detail in section_problems(path)}
    assert ("unit_unknown", "坨") in found
    assert ("phrase_two_sections", "leadership、study") in found


def test_a_broken_lexicon_fails_the_check_with_a_chinese_reason(monkeypatch, tmp_path):
    path = tmp_path / "cues.yml"
    path.write_text(CUES_FILE.read_text("utf-8").replace("  thanks: [", "  thank: ["), "utf-8")
    monkeypatch.setattr(cues, "CUES_FILE", path)
    result = CliRunner().invoke(app, ["lexicon", "check"])
    assert result.exit_code == 1
    assert "线索词“thanks”缺失" in result.output and "线索词“thank”程序没有用到" in result.output


def test_the_parser_reads_its_cue_words_from_the_data():
    assert facts._GREET.pattern == cue_source("greet")
    assert facts._RETRACT.pattern == cue_source("retract")
    assert re.search(facts._PERSON_WORDS, "帮一个农民工")


def test_broken_date_words_are_each_reported(tmp_path):
    from nlu.dates import DATE_WORDS_FILE
    from nlu.lexicon import date_word_problems

    data = yaml.safe_load(DATE_WORDS_FILE.read_text("utf-8"))
    data["holidays"]["Children's Day"] = ["六一"]  # not a public holiday in the calendar
    data["holidays"]["National Day"] = []
    data["weekend"] = data["weekend"] + data["weekend"][:1]
    del data["range_joiners"]
    data["relative_days"][-1] = data["relative_days"][-1] + ["前天"]  # already -2
    data["relative_days"][5] = []
    path = tmp_path / "dates.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    found = {(key, where) for key, where, _ in date_word_problems(path)}
    assert found == {
        ("holiday_unknown", "Children's Day"),
        ("date_words_empty", "holidays/National Day"),
        ("date_words_missing", "holidays/National Day"),
        ("date_word_twice", "weekend"),
        ("date_words_missing", "range_joiners"),
        ("date_word_twice", "relative_days/-1"),
        ("date_words_empty", "relative_days/5"),
    }
    assert date_word_problems() == []


def test_the_number_and_name_readers_read_their_words_from_the_data():
    from nlu import activities, numbers

    assert numbers._IDIOMS.pattern == cue_source("not_an_amount")
    assert cue_source("incident_after_yiqi") in numbers._INCIDENT_AFTER_YIQI.pattern
    assert cue_source("id_context") in numbers._ID_CONTEXT.pattern
    assert activities._FILLER.pattern == cue_source("filler")


@pytest.fixture
def fresh_word_caches():
    """The cached word data is read again from whatever file a test points at, and again from
    the shipped files afterwards."""
    from nlu import dates, numbers

    cached = (dates._date_words, dates._day_only, numbers._unit_config, numbers._unit_guards,
              numbers._quantity_regex, numbers.units, numbers._written_as)  # fmt: skip
    for function in cached:
        function.cache_clear()
    yield
    for function in cached:
        function.cache_clear()


def test_a_word_added_to_not_day_after_changes_the_reading(
    monkeypatch, tmp_path, fresh_word_caches
):
    from datetime import datetime

    from nlu import dates

    now = datetime(2024, 5, 16, 10)
    assert [d.raw for d in dates.find_dates("在15号窑开会", now)] == ["15号"]
    data = yaml.safe_load(dates.DATE_WORDS_FILE.read_text("utf-8"))
    data["not_day_after"].append("窑")
    path = tmp_path / "dates.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    monkeypatch.setattr(dates, "DATE_WORDS_FILE", path)
    dates._date_words.cache_clear()
    dates._day_only.cache_clear()
    assert dates.find_dates("在15号窑开会", now) == []


def test_a_character_added_to_not_before_changes_the_reading(
    monkeypatch, tmp_path, fresh_word_caches
):
    from nlu import numbers

    assert [(q.value, q.unit) for q in numbers.find_quantities("发放3本子")] == [(3, "本")]
    data = yaml.safe_load(numbers.UNITS_FILE.read_text("utf-8"))
    data["units"]["本"]["not_before"] += "子"  # 本子 is a notebook, not a measure word
    path = tmp_path / "units.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    monkeypatch.setattr(numbers, "UNITS_FILE", path)
    for function in (numbers._unit_config, numbers._unit_guards, numbers._quantity_regex):
        function.cache_clear()
    assert [(q.value, q.unit) for q in numbers.find_quantities("发放3本子")] == [(3, None)]


def test_broken_unit_guards_are_each_reported(tmp_path):
    from nlu.lexicon import unit_word_problems
    from nlu.numbers import UNITS_FILE

    data = yaml.safe_load(UNITS_FILE.read_text("utf-8"))
    data["units"]["期"]["not_before"] = ""
    data["units"]["台"]["not_before"] += "账"
    path = tmp_path / "units.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert {(key, where) for key, where, _ in unit_word_problems(path)} == {
        ("unit_guard_bad", "期"),
        ("unit_guard_twice", "台"),
    }
    assert unit_word_problems() == []
