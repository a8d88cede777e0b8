"""Generated training lines (nlu/generate.py) are corpus lines with exact labels: they pass the
corpus checks, cover the whole activity catalogue, repeat for a seed, and the exact readers
(nlu.numbers, nlu.dates) read from their text the values and days their labels say."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import datetime

import pytest
from typer.testing import CliRunner

from nlu.catalogue import catalogue
from nlu.corpus import check_record, read_corpus
from nlu.dates import find_dates
from nlu.facts import date_at, extract
from nlu.generate import (
    DEFAULT_COUNT,
    DEFAULT_SEED,
    OUTPUT_FILE,
    generate,
    resolve_day_of_month,
    resolve_month_day,
    resolve_weekday,
    words,
)
from nlu.numbers import find_quantities
from nlu.sections import section_ids

EVENT_SHAPES = ("event", "event_head", "ordinal")  # their first fact is work with no digit
SECTION_IDS = set(section_ids())
NOT_WORK = {"running_total", "plan", "target", "date", "time", "id", "duration", "other"}


@pytest.fixture(scope="module")
def lines():
    return generate(DEFAULT_COUNT, DEFAULT_SEED)


def _spans(record):
    return [item["span"] for item in record["facts"] + record["other_numbers"]]


def test_every_line_is_a_corpus_line_with_each_span_written_once(lines):
    assert len(lines) == DEFAULT_COUNT
    for line in lines:
        record = line.record
        assert check_record(record) is None, record
        for span in _spans(record):
            assert record["text"].count(span) == 1, (span, record["text"])
        if record["intent"] != "log_activity":
            assert record["facts"] == []
    ids = [line.record["id"] for line in lines]
    assert len(set(ids)) == len(ids)


def test_about_seven_in_ten_lines_log_work_and_every_shape_is_written(lines):
    intents = Counter(line.record["intent"] for line in lines)
    assert set(intents) == {"log_activity", "out_of_scope", "query_progress"}
    assert intents["log_activity"] == round(DEFAULT_COUNT * words()["log_share"])
    shapes = {line.shape for line in lines}
    assert shapes == set(words()["log_shapes"]) | set(words()["other_shapes"])


def test_the_same_seed_writes_the_same_lines():
    first = [line.record for line in generate(300, 7)]
    assert first == [line.record for line in generate(300, 7)]
    assert first != [line.record for line in generate(300, 8)]


def test_every_catalogue_activity_is_logged(lines):
    logged = {fact["activity"] for line in lines for fact in line.record["facts"]}
    assert {activity.name for activity in catalogue()} <= logged


def test_roles_follow_the_kind_of_work(lines):
    kinds = {activity.name: activity.kind for activity in catalogue()}
    for line in lines:
        for fact in line.record["facts"]:
            standing = kinds[fact["activity"]] in ("stock", "rate")
            assert fact["role"] == ("stock" if standing else "new"), line.record
        if line.record["intent"] == "out_of_scope":
            roles = {other["role"] for other in line.record["other_numbers"]}
            assert roles <= NOT_WORK


def test_the_number_reader_reads_each_figure_as_labelled(lines):
    wrong = []
    for line in lines:
        record = line.record
        quantities = find_quantities(record["text"])
        for index, fact in enumerate(record["facts"]):
            read = [q for q in quantities if q.raw == fact["span"]]
            if index == 0 and line.shape in EVENT_SHAPES:
                if read:
                    wrong.append(("event read as a number", record["text"], fact["span"]))
                continue
            fits = [
                q
                for q in read
                if math.isclose(q.value, fact["value"], rel_tol=1e-9)
                and q.unit in (fact["unit"], None if fact["span"] in words()["pairs"] else "")
            ]
            if not fits:
                wrong.append((record["text"], fact["span"], fact["value"], fact["unit"], read))
    assert wrong == []


def test_every_number_the_reader_finds_is_labelled(lines):
    stray = []
    for line in lines:
        record = line.record
        for quantity in find_quantities(record["text"]):
            if not any(quantity.raw in span or span in quantity.raw for span in _spans(record)):
                stray.append((record["text"], quantity.raw))
    assert stray == []


def test_the_date_reader_agrees_with_every_label(lines):
    """The generator computes each day from `now` by the contract's rules; nlu.dates reads it
    from the text and nlu.facts dates each figure by it. Every disagreement is listed."""
    vague = set(words()["vague"])
    disagreements = []
    for line in lines:
        record = line.record
        if record["intent"] != "log_activity":
            continue
        now = datetime.fromisoformat(record["now"])
        assert {fact["date"] for fact in record["facts"]} == {line.day.isoformat()}
        expected = []
        if line.date_text is not None and line.date_text not in vague:
            expected = [(line.date_text, line.day)]
        mentions = find_dates(record["text"], now)
        written = [(m.raw, m.date) for m in mentions if not m.weak or m.raw == line.date_text]
        # a time of day beside the work (晚上7点) is a weak mention of today: a named day governs
        weak = [(m.raw, m.date) for m in mentions if m.weak and m.raw != line.date_text]
        stray = [w for w in weak if not written and w[1] != line.day]
        if written != expected or stray:
            disagreements.append(
                ("dates", record["text"], record["now"], expected, written + stray)
            )
        analysis = extract(record["text"], now).analysis
        for fact in record["facts"]:
            dated = date_at(analysis, record["text"].index(fact["span"]))
            if dated.isoformat() != fact["date"]:
                disagreements.append(("fact", record["now"], record["text"], fact["date"], dated))
    assert disagreements == []


def test_the_contract_date_rules():
    from datetime import date

    thursday = date(2025, 3, 13)
    assert resolve_weekday(4, thursday, last_week=False) == date(2025, 3, 7)  # 周五: last week's
    assert resolve_weekday(2, thursday, last_week=False) == date(2025, 3, 12)
    assert resolve_weekday(4, thursday, last_week=True) == date(2025, 3, 7)
    assert resolve_month_day(12, 20, date(2025, 1, 10)) == date(2024, 12, 20)
    assert resolve_month_day(1, 10, date(2025, 1, 10)) == date(2025, 1, 10)
    assert resolve_day_of_month(20, date(2025, 3, 5)) == date(2025, 2, 20)
    assert resolve_day_of_month(30, date(2025, 3, 5)) is None  # no 30 February


def test_the_committed_file_is_what_the_generator_writes(lines):
    """data/corpus/generated-catalogue.jsonl is regenerated after the catalogue or
    generate.yml changes: `.venv/bin/taizhang corpus generate`."""
    committed = [json.loads(row) for row in OUTPUT_FILE.read_text("utf-8").splitlines()]
    assert committed == [line.record for line in lines]


def test_the_corpus_reader_takes_every_generated_line(tmp_path):
    path = tmp_path / "generated.jsonl"
    path.write_text(
        "".join(json.dumps(line.record, ensure_ascii=False) + "\n" for line in generate(200, 5)),
        "utf-8",
    )
    records, problems = read_corpus(tmp_path)
    assert problems == [] and len(records) == 200


def test_the_command_writes_the_lines_of_its_seed(tmp_path):
    from bot.cli import app

    target = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app, ["corpus", "generate", "--count", "40", "--seed", "3", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "40" in result.output and str(target) in result.output
    written = [json.loads(row) for row in target.read_text("utf-8").splitlines()]
    assert written == [line.record for line in generate(40, 3)]


def test_a_lecture_for_cadres_says_its_audience(lines):
    """举办干部法治讲座 (study) is told from 举办法治讲座 (publicity) by whom it is for."""
    audience = words()["audiences"]["举办干部法治讲座"]["words"]
    said = [
        (line.record["text"], fact["span"])
        for line in lines
        for fact in line.record["facts"]
        if fact["activity"] == "举办干部法治讲座"
    ]
    assert said
    for text, span in said:
        assert any(word in text for word in audience), (text, span)


def test_people_taking_part_are_of_the_section_of_their_work(lines):
    """A head count is a fact of the work before it; the words that name no work (参加42人)
    follow work of several sections."""
    heads = {spec["activity"] for spec in words()["head_counts"]}
    plain = {word for spec in words()["head_counts"] for word in spec.get("plain", [])}
    sections_after_plain = Counter()
    for line in lines:
        facts = line.record["facts"]
        if line.shape not in ("head_count", "event_head"):
            continue
        work, head = facts[0], facts[-1]
        assert head["activity"] in heads and head["section"] == work["section"], line.record
        text = line.record["text"]
        before = text[: text.index(head["span"])]
        if any(before.rstrip("共").endswith(word) for word in plain):
            sections_after_plain[work["section"]] += 1
    assert len(sections_after_plain) >= 4, sections_after_plain


def test_progress_questions_carry_the_contract_query_labels(lines):
    periods = {"year", "quarter", "month", "week"}
    questions = [line.record for line in lines if line.record["intent"] == "query_progress"]
    assert 20 <= len(questions) <= 150
    dated = 0
    for record in questions:
        query = record["query"]
        assert set(query) == {"section", "period", "uncovered"}
        assert query["period"] in periods and record["facts"] == []
        assert query["section"] is None or query["section"] in SECTION_IDS
        dated += any(other["role"] == "date" for other in record["other_numbers"])
    assert dated >= len(questions) // 3
    assert all(line.record["query"] is None for line in lines if line.shape != "progress")


def test_dates_written_in_digits_are_labelled_as_dates(lines):
    for line in lines:
        if line.date_text and any(c.isdigit() for c in line.date_text):
            others = {(o["span"], o["role"]) for o in line.record["other_numbers"]}
            assert (line.date_text, "date") in others, line.record
