"""The drafted text: structure, figures, dated highlights, gaps and plans (no database)."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest

from bot.reports.compose import compose_report, ordinal, organ_name
from bot.reports.highlights import clean_message, pick_highlights
from bot.reports.json_writer import report_dict
from bot.reports.markdown import render_markdown
from bot.reports.model import Highlight, Metric, ReportData, SectionData
from bot.reports.phrasebook import load_phrasebook
from bot.storage.aggregate import SECTION_IDS

CHECK = "【请核实】"


def metric(label, value, unit, records):
    return Metric(label=label, value=Decimal(str(value)), unit=unit, records=records)


def hl(day, text, label="", value=1, unit="件", place=None):
    return Highlight(date=day, text=text, label=label, value=Decimal(value), unit=unit, place=place)


def sample_data(*, town="白岩镇", year=2024, as_of=date(2025, 1, 10), previous=None, **extra):
    """A year with disputes, publicity, study and leadership records; the rest empty."""
    sections = {sid: SectionData(id=sid, title=f"title-{sid}") for sid in SECTION_IDS}
    sections["disputes"].metrics = [
        metric("调解矛盾纠纷", 406, "件", 120),
        metric("调解成功率", 99, "%", 4),
    ]
    sections["disputes"].records = 124
    sections["disputes"].highlights = [
        hl(date(2024, 3, 2), "今天在白岩村调解矛盾纠纷3件", "调解矛盾纠纷", 3, "件", "白岩村"),
        hl(date(2024, 6, 9), "昨天调解土地纠纷2件", "调解矛盾纠纷", 2),
        hl(date(2024, 9, 1), "调解纠纷1件", "调解矛盾纠纷", 1),
        hl(date(2024, 11, 20), "今天在石桥村调解矛盾纠纷4件", "调解矛盾纠纷", 4, "件", "石桥村"),
        hl(date(2024, 12, 5), "调解纠纷2件", "调解矛盾纠纷", 2),
    ]
    sections["publicity"].metrics = [
        metric("开展普法宣传活动", 52, "场", 30),
        metric("发放宣传资料", 12000, "份", 30),
    ]
    sections["publicity"].records = 60
    sections["publicity"].highlights = [
        hl(
            date(2024, 5, 18),
            "@法治台账\u2005昨天在白岩村开展民法典主题宣传活动2场，发放资料500份👍",
            "开展普法宣传活动",
            2,
            "场",
            "白岩村",
        ),
        hl(date(2024, 12, 4), "宪法日在新华社区开展普法宣传1场", "开展普法宣传活动", 1, "场"),
    ]
    sections["study"].metrics = [metric("组织干部学法", 12, "次", 12)]
    sections["study"].records = 2  # thin on purpose
    sections["study"].highlights = [
        hl(date(2024, 4, 1), "组织干部学法1次，参加40人", "组织干部学法")
    ]
    sections["leadership"].metrics = [metric("专题研究法治建设", 4, "次", 4)]
    sections["leadership"].records = 4
    sections["leadership"].highlights = [
        hl(date(2024, 2, 20), "今天党委会专题研究法治建设1次", "专题研究法治建设"),
        hl(date(2024, 8, 2), "党委会专题研究法治建设1次", "专题研究法治建设"),
    ]
    if previous:
        for sid, metrics in previous.items():
            sections[sid].previous = metrics
        for section in sections.values():
            if section.previous is None:
                section.previous = []
    for sid, values in extra.items():
        for key, value in values.items():
            setattr(sections[sid], key, value)
    return ReportData(town=town, year=year, sections=list(sections.values()), as_of=as_of)


def block_texts(report, kind=None):
    return [b.lead + b.text for b in report.blocks if kind is None or b.kind == kind]


def part(report, number: str) -> str:
    """All text from heading `number`、 up to the next heading."""
    out, inside = [], False
    for block in report.blocks:
        if block.kind == "heading":
            inside = block.text.startswith(number + "、")
            continue
        if inside and block.kind == "body":
            out.append(block.lead + block.text)
    return "\n".join(out)


def test_structure_follows_the_regulation():
    report = compose_report(sample_data())
    assert report.title == "白岩镇2024年法治政府建设情况报告"
    headings = block_texts(report, "heading")
    assert headings == [
        "一、2024年推进法治政府建设的主要举措和成效",
        "二、党政主要负责人履行推进法治建设第一责任人职责情况",
        "三、存在的不足和原因",
        "四、2025年推进法治政府建设的工作安排",
    ]
    assert report.blocks[0].kind == "title"
    assert report.blocks[1].kind == "body"  # the opening paragraph
    assert [b.kind for b in report.blocks[-2:]] == ["signature", "date"]
    assert report.blocks[-2].text == "白岩镇人民政府"
    assert report.blocks[-1].text == "2025年1月10日"


def test_sub_sections_only_for_sections_with_records_in_order():
    report = compose_report(sample_data())
    leads = [b.lead for b in report.blocks if b.lead and b.text]
    measures = [lead for lead in leads if lead in part(report, "一")]
    # study, disputes, publicity have records (leadership goes to 二), in section order
    assert [m[:3] for m in measures] == ["（一）", "（二）", "（三）"]
    one = part(report, "一")
    assert one.index("学法") < one.index("调解矛盾纠纷") < one.index("普法宣传")
    assert "专题研究法治建设" not in one
    assert "专题研究法治建设4次" in part(report, "二")


def test_totals_in_report_style_and_rates_last():
    text = compose_report(sample_data()).section_texts["disputes"]
    assert re.search(r"(全年|2024年|一年来).*调解矛盾纠纷406件，调解成功率达99%", text)
    publicity = compose_report(sample_data()).section_texts["publicity"]
    assert "开展普法宣传活动52场，发放宣传资料12000份" in publicity
    assert "余" not in publicity


def test_highlights_are_dated_cleaned_and_between_two_and_four():
    report = compose_report(sample_data())
    disputes = report.section_texts["disputes"]
    dated = re.findall(r"\d{1,2}月\d{1,2}日，", disputes)
    assert 2 <= len(dated) <= 4
    assert "3月2日，在白岩村调解矛盾纠纷3件" in disputes
    assert "今天" not in disputes and "昨天" not in disputes
    publicity = report.section_texts["publicity"]
    assert "5月18日，在白岩村开展民法典主题宣传活动2场，发放资料500份" in publicity
    assert "@" not in publicity and "👍" not in publicity


def test_gaps_become_shortcomings_marked_for_checking():
    report = compose_report(sample_data())
    three = part(report, "三")
    # uncovered sections (e.g. rules) and the thin one (study, 2 records) are named
    assert "行政规范性文件" in three
    assert "未见相关工作记录" in three
    assert "仅有2条相关记录" in three
    items = [line for line in three.splitlines() if re.match("^[一二三四五六七八]是", line)]
    assert items and all(line.endswith(CHECK) for line in items)
    assert CHECK in three.splitlines()[-1]  # the reasons paragraph


def test_falls_against_previous_year_are_reported():
    previous = {"disputes": [metric("调解矛盾纠纷", 500, "件", 130)]}
    report = compose_report(sample_data(previous=previous))
    three = part(report, "三")
    assert "调解矛盾纠纷由2023年的500件降至2024年的406件" in three
    small = {"disputes": [metric("调解矛盾纠纷", 410, "件", 130)]}  # under 10 %: no fall
    assert "降至" not in part(compose_report(sample_data(previous=small)), "三")


def test_plans_cover_weak_and_strong_sections():
    report = compose_report(sample_data())
    four = part(report, "四")
    leads = [b.lead for b in report.blocks if b.lead and b.lead in four]
    assert len(leads) >= 3
    assert any("行政规范性文件" in lead for lead in leads)  # weak
    assert any("矛盾纠纷" in lead for lead in leads)  # strongest section
    assert len(leads) <= load_phrasebook().setting("max_plan_items")


def test_no_leadership_records_is_flagged():
    data = sample_data(leadership={"metrics": [], "records": 0, "highlights": []})
    two = part(compose_report(data), "二")
    assert CHECK in two and "第一责任人" in two


def test_empty_ledger_still_gives_a_complete_draft():
    data = ReportData(
        "石桥镇", 2024, [SectionData(sid, sid) for sid in SECTION_IDS], date(2025, 1, 5)
    )
    report = compose_report(data)
    assert len(block_texts(report, "heading")) == 4
    assert CHECK in part(report, "一")


def test_year_in_progress_says_as_of():
    report = compose_report(sample_data(as_of=date(2024, 10, 8)))
    assert (
        "截至10月8日" in report.section_texts["disputes"]
        or "今年以来" in (report.section_texts["disputes"])
    )
    assert "10月8日" in report.blocks[1].text


def test_same_ledger_same_words_other_towns_vary():
    first = compose_report(sample_data())
    again = compose_report(sample_data())
    assert block_texts(first) == block_texts(again)
    openings = {compose_report(sample_data(town=t)).blocks[1].text[8:40] for t in "甲乙丙丁戊己"}
    assert len(openings) > 1


def test_signature_organ_names():
    phrases = load_phrasebook()
    assert organ_name("白岩镇", phrases) == "白岩镇人民政府"
    assert organ_name("城关街道", phrases) == "城关街道办事处"
    assert organ_name("白岩镇人民政府", phrases) == "白岩镇人民政府"


@pytest.mark.parametrize(("n", "expected"), [(1, "一"), (10, "十"), (11, "十一"), (12, "十二")])
def test_ordinals(n, expected):
    assert ordinal(n) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("今天调解纠纷3件", "调解纠纷3件"),
        ("报告：昨天下午，我们在石桥社区调解纠纷3件", "在石桥社区调解纠纷3件"),
        ("上周五组织干部学法1次 参加42人", "组织干部学法1次，参加42人"),
        ("5月18日在白岩村开展普法宣传两场", "在白岩村开展普法宣传两场"),
        ("周边村开展巡查2次", "周边村开展巡查2次"),
        ("便民服务中心今天办件6件", "便民服务中心办件6件"),
        ("3件", None),
        ("👍👍", None),
    ],
)
def test_clean_message(message, expected):
    assert clean_message(message) == expected


def test_long_message_is_cut_at_a_clause():
    text = "在白岩村开展普法宣传活动2场，" + "发放宣传资料300份，" * 10
    cleaned = clean_message(text, max_chars=40)
    assert len(cleaned) <= 40 and not cleaned.endswith("，")
    assert cleaned.startswith("在白岩村开展普法宣传活动2场")


def test_pick_highlights_spreads_over_the_year_and_skips_cited():
    items = [hl(date(2024, m, 1), f"调解纠纷{m}件", "调解", m) for m in range(1, 13)]
    chosen = pick_highlights(items, 4)
    months = [h.date.month for h in chosen]
    assert months == sorted(months) and months[0] <= 3 and months[-1] >= 10
    rest = pick_highlights(items, 12, exclude={"调解纠纷1件"})
    assert "调解纠纷1件" not in [h.text for h in rest] and len(rest) == 11


def test_json_form_is_exact():
    report = compose_report(sample_data())
    data = json.loads(json.dumps(report_dict(report), ensure_ascii=False))
    assert set(data) == {"town", "year", "sections"}
    assert data["town"] == "白岩镇" and data["year"] == 2024
    assert [s["id"] for s in data["sections"]] == list(SECTION_IDS)
    for section in data["sections"]:
        assert set(section) == {"id", "title", "facts", "text"}
        for fact in section["facts"]:
            assert set(fact) == {"label", "value", "unit", "records"}
    disputes = next(s for s in data["sections"] if s["id"] == "disputes")
    assert disputes["facts"] == [
        {"label": "调解矛盾纠纷", "value": 406, "unit": "件", "records": 120},
        {"label": "调解成功率", "value": 99, "unit": "%", "records": 4},
    ]
    assert "406件" in disputes["text"]


def test_json_money_is_shown_as_in_the_text():
    data = sample_data(
        enforcement={"metrics": [metric("收缴罚款", "66770", "元", 2)], "records": 2}
    )
    report = compose_report(data)
    section = next(s for s in report_dict(report)["sections"] if s["id"] == "enforcement")
    assert section["facts"] == [{"label": "收缴罚款", "value": 6.677, "unit": "万元", "records": 2}]
    assert "收缴罚款6.677万元" in section["text"]


def test_markdown_has_title_parts_and_signature():
    text = render_markdown(compose_report(sample_data()))
    assert text.startswith("# 白岩镇2024年法治政府建设情况报告")
    assert text.count("\n## ") == 4
    assert "**（一）" in text and "白岩镇人民政府" in text


def test_a_single_message_is_not_quoted_again_after_its_totals():
    """One message behind every fact: the totals say it all, no repeated example."""
    said = "昨天在白岩村开展普法宣传2场，发放资料500份"
    single = {
        "metrics": [metric("开展普法宣传活动", 2, "场", 1), metric("发放宣传资料", 500, "份", 1)],
        "records": 2,
        "highlights": [
            hl(date(2024, 1, 29), said, "开展普法宣传活动", 2, "场", "白岩村"),
            hl(date(2024, 1, 29), said, "发放宣传资料", 500, "份", "白岩村"),
        ],
    }
    text = compose_report(sample_data(publicity=single)).section_texts["publicity"]
    assert "开展普法宣传活动2场，发放宣传资料500份" in text
    assert "1月29日" not in text and text.count("500份") == 1

    two = {
        "metrics": [metric("开展普法宣传活动", 3, "场", 2)],
        "records": 2,
        "highlights": [
            hl(date(2024, 1, 29), said, "开展普法宣传活动", 2, "场", "白岩村"),
            hl(date(2024, 3, 5), "今天普法宣传1场", "开展普法宣传活动", 1, "场"),
        ],
    }
    text = compose_report(sample_data(publicity=two)).section_texts["publicity"]
    assert "开展普法宣传活动3场" in text and "1月29日" in text and "3月5日" in text


def test_noun_like_activity_names_read_as_work_done_in_totals():
    office = {
        "metrics": [metric("便民服务中心办件", 1520, "件", 40)],
        "records": 40,
        "highlights": [hl(date(2024, 3, 1), "便民服务中心今天办件30件", "便民服务中心办件", 30)],
    }
    text = compose_report(sample_data(functions=office)).section_texts["functions"]
    assert "办理便民服务事项1520件" in text and "共便民服务中心办件" not in text
