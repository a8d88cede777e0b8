"""The county roll-up (`taizhang county`) on SQLite and PostgreSQL: each town's figures equal
its own report JSON, the summary adds them up (rates never), towns come from one database
or from several SQLite files, and the docx/json/xlsx files hold what the view says."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy.orm import sessionmaker

from bot.reports import build_report
from bot.reports.county import (
    CountyError,
    Ledger,
    build_county,
    county_dict,
    county_phrases,
    read_county,
)
from bot.reports.sample import populate_year
from bot.storage import make_engine, make_session_factory
from bot.storage.registry import get_or_create_town

YEAR = 2024
AS_OF = date(2025, 1, 10)
TOWNS = {"白岩镇": 400, "石桥镇": 150, "青杠镇": 12}  # 青杠镇 leaves sections uncovered


def fill(factory: sessionmaker, towns: dict[str, int], blank: bool = True) -> None:
    with factory() as session:
        for name, facts in towns.items():
            populate_year(session, name, YEAR, n_facts=facts)
            populate_year(session, name, YEAR - 1, n_facts=facts // 2, seed=3)
        if blank:
            get_or_create_town(session, "空白镇")  # registered, nothing recorded
        session.commit()


def town_report(factory, settings, town: str, tmp_path) -> dict:
    path = build_report(
        factory, town, YEAR, "json", tmp_path / f"{town}.json", settings=settings, as_of=AS_OF
    )
    return json.loads(path.read_text(encoding="utf-8"))


def in_yuan(fact: dict) -> Decimal:
    value = Decimal(str(fact["value"]))
    return value * 10000 if fact["unit"] == "万元" else value


def summing_unit(fact: dict) -> str:
    return "元" if fact["unit"] == "万元" else fact["unit"]


def check_against_reports(county: dict, reports: dict[str, dict]) -> None:
    """Every town's column is its report JSON; the summary is the towns' sum."""
    assert [t["town"] for t in county["towns"]] == list(reports)
    for town in county["towns"]:
        report = reports[town["town"]]
        assert [s["id"] for s in town["sections"]] == [s["id"] for s in report["sections"]]
        for mine, theirs in zip(town["sections"], report["sections"], strict=True):
            assert mine["facts"] == theirs["facts"]
            assert mine["records"] == sum(f["records"] for f in theirs["facts"])
            assert sum(mine["months"]) == mine["records"]
        assert town["uncovered"] == [s["id"] for s in report["sections"] if not s["facts"]]
    expected: dict[tuple, Decimal] = defaultdict(Decimal)
    towns_with: dict[tuple, int] = defaultdict(int)
    for report in reports.values():
        for section in report["sections"]:
            for fact in section["facts"]:
                if fact["kind"] != "rate":
                    key = (section["id"], fact["label"], summing_unit(fact), fact["kind"])
                    expected[key] += in_yuan(fact)
                    towns_with[key] += 1
    got = {}
    for section in county["summary"]["sections"]:
        for fact in section["facts"]:
            assert fact["kind"] != "rate"
            key = (section["id"], fact["label"], summing_unit(fact), fact["kind"])
            got[key] = in_yuan(fact)
            assert fact["towns"] == towns_with[key]
    assert got == dict(expected)
    records = sum(s["records"] for t in county["towns"] for s in t["sections"])
    assert county["summary"]["records"] == records > 0


def test_one_database_of_several_towns(settings, session_factory, tmp_path):
    fill(session_factory, TOWNS)
    view = read_county([session_factory], YEAR, as_of=AS_OF, settings=settings, county="青山县")
    county = county_dict(view)
    names = [*TOWNS, "空白镇"]
    reports = {name: town_report(session_factory, settings, name, tmp_path) for name in names}
    check_against_reports(county, reports)
    blank = county["towns"][-1]
    assert blank["records"] == 0 and blank["last_record"] is None
    assert len(blank["uncovered"]) == 12
    lagging = {item["town"] for item in county["summary"]["lagging"]}
    assert {"青杠镇", "空白镇"} <= lagging
    for section in county["summary"]["sections"]:
        assert "空白镇" in section["towns_uncovered"]
        assert sorted(section["towns_covered"] + section["towns_uncovered"]) == sorted(names)
    last = date.fromisoformat(county["towns"][0]["last_record"])
    assert last.year == YEAR


def test_several_sqlite_files(sqlite_template, settings, tmp_path):
    """Two towns' own SQLite files, read side by side; the JSON is written by the CLI path."""
    files, reports = [], {}
    for name, facts in list(TOWNS.items())[:2]:
        path = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(sqlite_template, path)
        engine = make_engine(f"sqlite:///{path}")
        factory = make_session_factory(engine)
        fill(factory, {name: facts}, blank=False)
        reports[name] = town_report(factory, settings, name, tmp_path)
        engine.dispose()
        files.append(path)
    out, view = build_county(
        YEAR,
        "json",
        tmp_path / "county.json",
        sources=[Ledger.from_sqlite(f) for f in files],
        as_of=AS_OF,
        settings=settings,
    )
    county = json.loads(out.read_text(encoding="utf-8"))
    check_against_reports(county, reports)
    assert [t["source"] for t in county["towns"]] == [f.name for f in files]
    assert county["county"] == county_phrases().get("default_county")


def test_a_town_in_two_ledgers_is_refused(sqlite_template, settings, tmp_path):
    files = []
    for n in range(2):
        path = tmp_path / f"copy{n}.sqlite3"
        shutil.copyfile(sqlite_template, path)
        engine = make_engine(f"sqlite:///{path}")
        with make_session_factory(engine)() as session:
            get_or_create_town(session, "白岩镇")
            session.commit()
        engine.dispose()
        files.append(path)
    with pytest.raises(CountyError) as error:
        read_county([Ledger.from_sqlite(f) for f in files], YEAR, as_of=AS_OF, settings=settings)
    assert "白岩镇" in str(error.value) and "copy0.sqlite3" in str(error.value)
    with pytest.raises(CountyError) as missing:
        Ledger.from_sqlite(tmp_path / "nowhere.sqlite3")
    assert "nowhere.sqlite3" in str(missing.value)


def test_cli_writes_the_draft_and_the_workbook(cli, settings, session_factory, tmp_path):
    fill(session_factory, TOWNS)
    args = ("--year", str(YEAR), "--as-of", AS_OF.isoformat(), "--name", "青山县")
    for fmt, source in (("docx", ()), ("xlsx", ("--db", settings.effective_database_url))):
        out = tmp_path / f"county.{fmt}"  # the configured ledger, then the same one by --db
        result = cli("county", *args, *source, "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert str(out) in result.output and "共汇总4个乡镇" in result.output
    view = read_county([session_factory], YEAR, as_of=AS_OF, settings=settings, county="青山县")
    county = county_dict(view)

    document = Document(str(tmp_path / "county.docx"))
    paragraphs = [p for p in document.paragraphs if p.text]
    assert paragraphs[0].text == "青山县2024年法治政府建设情况汇总报告（初稿）"
    assert paragraphs[0].style.name == "公文标题"  # the town drafts' official format
    text = "\n".join(p.text for p in paragraphs)
    assert f"共记录法治政府建设工作{county['summary']['records']}条" in text
    for name in TOWNS:
        town = next(t for t in county["towns"] if t["town"] == name)
        assert f"{name}：记录{town['records']}条" in text
    assert "空白镇：2024年台账中暂无记录。" in text
    disputes = next(s for s in county["summary"]["sections"] if s["id"] == "disputes")
    mediated = next(f for f in disputes["facts"] if f["label"] == "调解矛盾纠纷")
    assert f"全县共调解矛盾纠纷{mediated['value']}{mediated['unit']}" in text
    assert paragraphs[-1].text == "2025年1月10日"

    book = load_workbook(tmp_path / "county.xlsx", read_only=True)
    sheets = county_phrases().get("xlsx")
    names = ("towns_sheet", "summary_sheet", "figures_sheet", "months_sheet")
    assert book.sheetnames == [sheets[name] for name in names]
    rows = list(book[sheets["towns_sheet"]].iter_rows(values_only=True))
    assert list(rows[0][1:]) == [t["town"] for t in county["towns"]]
    totals = next(r for r in rows if r[0] == sheets["towns_records_row"])
    assert list(totals[1:]) == [t["records"] for t in county["towns"]]
    summary = list(book[sheets["summary_sheet"]].iter_rows(values_only=True))[1:]
    assert len(summary) == sum(len(s["facts"]) for s in county["summary"]["sections"])
    months = list(book[sheets["months_sheet"]].iter_rows(values_only=True))[1:]
    assert len(months) == 12 * len(county["towns"])
    assert sum(r[-1] for r in months) == county["summary"]["records"]
    book.close()


def test_cli_refuses_a_missing_file_politely(cli, tmp_path):
    result = cli("county", "--year", str(YEAR), "--sqlite", str(tmp_path / "无此文件.sqlite3"))
    assert result.exit_code == 1
    assert "找不到台账文件" in result.output and "无此文件.sqlite3" in result.output
