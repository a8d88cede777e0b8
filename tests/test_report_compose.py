"""The drafted text: structure, figures, dated highlights, gaps and plans (no database)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from bot.reports.compose import compose_report, ordinal, organ_name
from bot.reports.highlights import by_message, pick_highlights
from bot.reports.json_writer import report_dict
from bot.reports.markdown import render_markdown
from bot.reports.model import Highlight, Metric, ReportData, SectionData
from bot.reports.periods import period_values
from bot.reports.phrasebook import load_phrasebook
from bot.storage.aggregate import SECTION_IDS

CHECK = "【请核实】"


def metric(label, value, unit, records, stock=False):
    return Metric(
        label=label, value=Decimal(str(value)), unit=unit, records=records, is_stock=stock
    )


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
    sections["study"].records = 2  # few facts, but 12 次 of work
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
    for section in sections.values():  # one highlight per message, as source.py groups them
        section.highlights = by_message(section.highlights, section.id)
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
    assert "5月18日，在白岩村围绕民法典开展普法宣传活动2场" in publicity
    assert "@" not in publicity and "👍" not in publicity and "昨天" not in publicity


def test_gaps_become_shortcomings_marked_for_checking():
    little = {"metrics": [metric("组织干部学法", 2, "次", 2)], "records": 2}
    report = compose_report(sample_data(study=little))
    three = part(report, "三")
    assert "行政规范性文件" in three  # no work at all
    # the study section has little work (2 facts, 2 次): named by its work, not its records
    study = load_phrasebook().get("sections", "study", "weakness")
    assert any(sentence in three for sentence in study)
    # two monthly reports of 12 次 is not little work
    assert not any(sentence in part(compose_report(sample_data()), "三") for sentence in study)
    assert "台账" not in three and "条相关记录" not in three and "未见相关工作记录" not in three
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
    assert set(data) == {"town", "year", "sections", "checks", "unreviewed"}
    assert data["checks"] == [] and data["unreviewed"] == []
    assert data["town"] == "白岩镇" and data["year"] == 2024
    assert [s["id"] for s in data["sections"]] == list(SECTION_IDS)
    for section in data["sections"]:
        assert set(section) == {"id", "title", "facts", "text"}
        for fact in section["facts"]:
            assert set(fact) == {"label", "value", "unit", "records", "kind"}
    disputes = next(s for s in data["sections"] if s["id"] == "disputes")
    assert disputes["facts"] == [
        {"label": "调解矛盾纠纷", "value": 406, "unit": "件", "records": 120, "kind": "count"},
        {"label": "调解成功率", "value": 99, "unit": "%", "records": 4, "kind": "rate"},
    ]
    assert "406件" in disputes["text"]


def test_json_money_is_shown_as_in_the_text():
    data = sample_data(
        enforcement={"metrics": [metric("收缴罚款", "66770", "元", 2)], "records": 2}
    )
    report = compose_report(data)
    section = next(s for s in report_dict(report)["sections"] if s["id"] == "enforcement")
    assert section["facts"] == [
        {"label": "收缴罚款", "value": 6.677, "unit": "万元", "records": 2, "kind": "amount"}
    ]
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


def test_every_activity_and_unit_is_its_own_figure_in_json_and_text():
    """A real report states separate figures for separate work: nothing folded into one sum."""
    works = [
        metric("开展普法宣传活动", 40, "次", 30),
        metric("开展青少年法治教育活动", 10, "次", 10),
        metric("青少年法治教育覆盖学生", 500, "人", 10),
        metric("发放宣传资料", 4000, "份", 20),
        metric("发放宣传资料", 30, "册", 2),
        metric("举办法治讲座", 6, "场", 6),
        metric("开展送法进企业", 3, "次", 3),
    ]
    data = sample_data(publicity={"metrics": works, "records": 81, "highlights": []})
    report = compose_report(data)
    text = report.section_texts["publicity"]
    for figure_text in (
        "开展普法宣传活动40次",
        "开展青少年法治教育活动10次",
        "青少年法治教育覆盖学生500人",
        "发放宣传资料4000份、30册",
        "举办法治讲座6场",
        "开展送法进企业3次",
    ):
        assert figure_text in text
    facts = next(s for s in report_dict(report)["sections"] if s["id"] == "publicity")["facts"]
    assert [(f["label"], f["value"], f["unit"]) for f in facts] == [
        (m.label, int(m.value), m.unit) for m in works
    ]


def test_stocks_are_stated_as_they_stand_not_as_sums():
    figures = [
        metric("开展法治宣传活动", 50, "场", 30),
        metric("建成法治文化广场", 1, "个", 2, stock=True),
        metric("建成法治文化长廊", 2, "条", 3, stock=True),
    ]
    data = sample_data(publicity={"metrics": figures, "records": 35, "highlights": []})
    report = compose_report(data)
    text = report.section_texts["publicity"]
    assert re.search(r"截至(2024年)?年底，建成法治文化广场1个，建成法治文化长廊2条。", text)
    more = [*figures, metric("建成法治文化长廊", 3, "处", 1, stock=True)]
    data = sample_data(publicity={"metrics": more, "records": 36, "highlights": []})
    said = compose_report(data).section_texts["publicity"]
    assert "建成法治文化长廊2条、3处。" in said  # one standing thing in two units: named once
    assert not re.search(r"共[^。]*法治文化广场", text)  # never in the 全年共 sentence
    facts = next(s for s in report_dict(report)["sections"] if s["id"] == "publicity")["facts"]
    assert [f["kind"] for f in facts] == ["count", "stock", "stock"]


def test_a_stated_zero_is_a_figure_the_report_states():
    figures = [metric("排查调处矛盾纠纷", 53, "件", 20), metric("信访案件", 0, "件", 1)]
    data = sample_data(disputes={"metrics": figures, "records": 21})
    report = compose_report(data)
    text = report.section_texts["disputes"]
    assert "排查调处矛盾纠纷53件" in text and "信访案件为零" in text
    assert "共排查调处矛盾纠纷53件，信访案件" not in text
    facts = next(s for s in report_dict(report)["sections"] if s["id"] == "disputes")["facts"]
    assert {"label": "信访案件", "value": 0, "unit": "件", "records": 1, "kind": "count"} in facts


def test_highlights_are_composed_from_facts_never_chat_words():
    said = "@法治台账 11月30日在石门村搞了一场民法典普法宣传，来了四十来个人，顺便两起纠纷都调成了"
    items = [
        hl(date(2024, 11, 30), said, "开展普法宣传活动", 1, "场", "石门村"),
        hl(date(2024, 11, 30), said, "参与群众", 40, "人", "石门村"),
        hl(date(2024, 3, 5), "宣传搞了一下，发了两百来份", "发放宣传资料", 200, "份"),
    ]
    data = sample_data(
        publicity={"metrics": [metric("开展普法宣传活动", 9, "场", 9)], "highlights": items}
    )
    text = compose_report(data).section_texts["publicity"]
    assert "11月30日，在石门村围绕民法典开展普法宣传活动，参与群众40人" in text
    assert "3月5日，发放宣传资料200份" in text
    for chat in ("搞了", "都调成了", "来了", "四十来个", "两百来份", "@", "顺便"):
        assert chat not in text


def test_one_days_figures_in_words_for_one_unit_are_summed_in_its_highlight():
    said = "今天在东张村调解纠纷3件，下午又调了2起"
    items = [
        hl(date(2024, 7, 12), said, "调解矛盾纠纷", 3, "件", "东张村"),
        hl(date(2024, 7, 12), said, "调解矛盾纠纷", 2, "起", "东张村"),
        hl(date(2024, 7, 12), said, "接待群众来访", 3, "人", "东张村"),
        hl(date(2024, 7, 12), said, "接待群众来访", 2, "件", "东张村"),
    ]
    data = sample_data(
        disputes={"metrics": [metric("调解矛盾纠纷", 5, "件", 2)], "highlights": items}
    )
    text = compose_report(data).section_texts["disputes"]
    assert "调解矛盾纠纷5件" in text and "2起" not in text
    # different measures of one activity stay apart
    assert "接待群众来访3人、2件" in text


def test_topics_are_said_in_report_words_and_only_where_work_has_a_topic():
    assert by_message([hl(date(2024, 6, 1), "今天搞反诈宣传", "开展普法宣传活动")], "publicity")[
        0
    ].topic == ("反电信网络诈骗")
    disputes = by_message([hl(date(2024, 6, 1), "调解一起诈骗纠纷", "调解矛盾纠纷")], "disputes")
    assert disputes[0].topic is None


@pytest.mark.parametrize(
    ("year", "outline", "pufa"),
    [
        (2019, "《法治政府建设实施纲要（2015—2020年）》", "“七五”普法"),
        (2021, "《法治政府建设实施纲要（2021—2025年）》", "“八五”普法"),
        (2025, "《法治政府建设实施纲要（2021—2025年）》", "“八五”普法"),
        (2026, "新一轮法治政府建设规划", "“九五”普法"),
        (2031, "新一轮法治政府建设规划", "新一轮普法"),
    ],
)
def test_plan_period_and_pufa_round_follow_the_year(year, outline, pufa):
    values = period_values(year)
    assert (values["outline"], values["pufa_round"]) == (outline, pufa)


def test_the_plans_for_next_year_name_next_years_round():
    """A 2025 report plans 2026, the first year of “九五”普法; a 2024 report plans under 八五."""
    assert period_values(2025)["next_pufa_round"] == "“九五”普法"
    assert period_values(2024)["next_pufa_round"] == "“八五”普法"
    busy = {"records": 10, "metrics": [metric("开展工作", 10, "次", 10)]}
    others = {sid: busy for sid in SECTION_IDS if sid not in ("publicity", "disputes", "study")}
    weak = sample_data(
        year=2025, as_of=date(2026, 1, 8), publicity={"records": 1, "metrics": []}, **others
    )
    assert "围绕“九五”普法目标任务" in part(compose_report(weak), "四")


def test_a_2026_draft_cites_no_expired_plan_as_current():
    for town in "甲乙丙丁戊己庚辛":
        draft = "\n".join(
            block_texts(
                compose_report(sample_data(town=town + "镇", year=2026, as_of=date(2027, 1, 8)))
            )
        )
        assert "2021—2025" not in draft and "八五" not in draft
    texts = "\n".join(
        "\n".join(block_texts(compose_report(sample_data(town=t + "镇", year=2026))))
        for t in "甲乙丙丁戊己庚辛"
    )
    assert "新一轮法治政府建设规划" in texts and "“九五”普法" in texts
    current = "\n".join(
        "\n".join(block_texts(compose_report(sample_data(town=t + "镇"))))
        for t in "甲乙丙丁戊己庚辛"
    )
    assert "《法治政府建设实施纲要（2021—2025年）》" in current


def test_rises_and_falls_against_last_year_are_named_in_the_section():
    previous = {
        "disputes": [metric("调解矛盾纠纷", 300, "件", 90), metric("调解成功率", 90, "%", 2)],
        "publicity": [
            metric("开展普法宣传活动", 80, "场", 40),
            metric("发放宣传资料", 11500, "份", 30),
        ],
    }
    report = compose_report(sample_data(previous=previous))
    disputes = report.section_texts["disputes"]
    assert re.search("与(2023年|上年)相比，调解矛盾纠纷由300件增至406件。", disputes)
    assert "调解成功率由" not in disputes  # rates move in points, not named as work
    publicity = report.section_texts["publicity"]
    assert "开展普法宣传活动由80场降至52场" in publicity
    assert "发放宣传资料由" not in publicity  # 11500 -> 12000 is under 10 %
    study = report.section_texts["study"]
    assert "相比" not in study  # new this year: not a rise from zero
    without = compose_report(sample_data()).section_texts["disputes"]
    assert "相比" not in without  # no previous year in the ledger: nothing said


def test_one_example_per_work_and_day_and_parts_of_one_message_add_up():
    twice = "8月20日党委会专题研究法治建设"
    items = [
        hl(date(2024, 8, 20), twice, "专题研究法治建设", 1, "次"),
        hl(date(2024, 8, 20), twice + "（补报）", "专题研究法治建设", 1, "次", "白岩镇"),
        hl(date(2024, 11, 6), "审查合同2份，另审查合同2份", "审查合同", 2, "份"),
        hl(date(2024, 11, 6), "审查合同2份，另审查合同2份", "审查合同", 2, "份"),
    ]
    data = sample_data(leadership={"highlights": items, "records": 4})
    text = part(compose_report(data), "二")
    assert text.count("8月20日") == 1 and "在白岩镇" not in text
    assert "11月6日，审查合同4份" in text


def test_only_village_level_places_are_cited():
    items = [
        hl(
            date(2024, 1, 30),
            "寒假返乡人员多，搞了一场反诈宣传",
            "开展普法宣传活动",
            1,
            "场",
            "寒假返乡",
        ),
        hl(
            date(2024, 5, 6),
            "收到陈镇通知后发了3000本民法典",
            "发放宣传资料",
            3000,
            "本",
            "收到陈镇",
        ),
        hl(date(2024, 7, 17), "岗秀村培训法律明白人30人", "培训法律明白人", 30, "人", "岗秀村"),
    ]
    text = compose_report(sample_data(publicity={"highlights": items})).section_texts["publicity"]
    assert "1月30日，围绕反电信网络诈骗开展普法宣传活动；" in text
    assert "5月6日，围绕民法典发放宣传资料3000本" in text
    assert "7月17日，在岗秀村培训法律明白人30人" in text
    assert "返乡" not in text and "陈镇" not in text


def test_a_topic_the_work_already_names_is_not_said_twice():
    items = [
        hl(date(2024, 7, 31), "北营村防汛巡查一次", "防汛巡查", 1, "次", "北营村"),
        hl(date(2024, 8, 2), "防汛演练一场", "开展应急演练", 1, "场"),
    ]
    metrics = [metric("防汛巡查", 1, "次", 1), metric("开展应急演练", 1, "场", 1)]
    emergency = {"highlights": items, "records": 2, "metrics": metrics}
    text = compose_report(sample_data(emergency=emergency))
    said = text.section_texts["emergency"]
    assert "7月31日，在北营村防汛巡查；" in said and "8月2日，围绕防汛开展应急演练。" in said


def section_text(section_id: str, *items: Highlight, **fields) -> str:
    """The drafted text of one section holding `items` (and any other SectionData fields)."""
    data = sample_data(**{section_id: {"highlights": list(items), **fields}})
    return compose_report(data).section_texts[section_id]


def test_the_work_comes_before_who_took_part():
    said = "今天应急演练一场，参演900人"
    metrics = [metric("开展应急演练", 2, "场", 2), metric("参演人数", 900, "人", 1)]
    text = section_text(
        "emergency",
        hl(date(2024, 5, 12), said, "参演人数", 900, "人"),
        hl(date(2024, 5, 12), said, "开展应急演练", 1, "场"),
        hl(date(2024, 6, 1), "防汛演练一场", "开展应急演练", 1, "场"),
        records=3,
        metrics=metrics,
    )
    assert "5月12日，开展应急演练，参演900人" in text


def test_an_example_names_each_activity_once():
    said = "寒假返乡，反诈宣传摊位40个，另开展宣传一场"
    text = section_text(
        "publicity",
        hl(date(2024, 1, 30), said, "开展普法宣传活动", 40, "个"),
        hl(date(2024, 1, 30), said, "开展普法宣传活动", 1, "场"),
        hl(date(2024, 3, 1), "普法一场", "开展普法宣传活动", 1, "场"),
    )
    assert "1月30日，围绕反电信网络诈骗开展普法宣传活动40个、1场；3月1日，开展普法宣传活动" in text


def test_an_example_says_work_not_only_who_took_part_or_what_stands():
    """ "5月15日，参学86人" and "3月11日，配备村法律顾问5个" say no work done: not cited; the
    same head count beside its work is."""
    study = section_text(
        "study",
        hl(date(2024, 5, 15), "民法典学习参加86人", "参学人数", 86, "人"),
        hl(date(2024, 6, 27), "组织学法一次，52人参加", "组织干部学法", 1, "次"),
        hl(date(2024, 6, 27), "组织学法一次，52人参加", "参学人数", 52, "人"),
    )
    assert "5月15日" not in study and "6月27日，组织干部学法，参学52人" in study
    stock = Highlight(
        date(2024, 3, 11), "布曲村配了5个村法律顾问", "村法律顾问配备", Decimal(5), "个"
    )
    stock = by_message([replace(stock, is_stock=True)], "legal_services")
    services = section_text(
        "legal_services",
        *stock,
        hl(date(2024, 4, 8), "代写文书1份", "代写法律文书", 1, "份"),
        records=2,
    )
    assert "3月11日" not in services and "4月8日，代写法律文书1份" in services


def test_one_day_is_one_example():
    text = section_text(
        "study",
        hl(date(2024, 6, 7), "中心组学宪法", "中心组学法", 1, "次"),
        hl(date(2024, 6, 7), "干部学法一次", "组织干部学法", 1, "次"),
        hl(date(2024, 9, 2), "干部学法一次", "组织干部学法", 1, "次"),
    )
    assert text.count("6月7日") == 1 and "9月2日" in text


def test_names_and_zeros_read_as_work_done():
    """A noun-like catalogue name is written as the work ("开展党委理论学习中心组学法5次"); a
    stated zero that the work's name would misread says what there was none of."""
    figures = [metric("中心组学法", 5, "次", 5), metric("配备", 0, "件", 1)]
    study = compose_report(sample_data(study={"metrics": figures, "records": 6}))
    text = study.section_texts["study"]
    assert "开展党委理论学习中心组学法5次" in text and "配备为零" in text
    zero = [metric("调解矛盾纠纷", 53, "件", 20), metric("化解信访事项", 0, "件", 1)]
    disputes = compose_report(sample_data(disputes={"metrics": zero, "records": 21}))
    said = disputes.section_texts["disputes"]
    assert "无信访案件" in said and "化解信访事项为零" not in said
    facts = next(s for s in report_dict(disputes)["sections"] if s["id"] == "disputes")["facts"]
    assert {
        "label": "化解信访事项",
        "value": 0,
        "unit": "件",
        "records": 1,
        "kind": "count",
    } in facts


def test_a_fall_where_fewer_is_better_is_no_shortcoming():
    previous = {
        "emergency": [metric("处置突发事件", 12, "次", 12), metric("开展应急演练", 10, "场", 10)]
    }
    figures = [metric("处置突发事件", 2, "次", 2), metric("开展应急演练", 4, "场", 4)]
    report = compose_report(
        sample_data(previous=previous, emergency={"metrics": figures, "records": 6})
    )
    said = report.section_texts["emergency"]
    assert "处置突发事件由12次降至2次" in said and "开展应急演练由10场降至4场" in said
    shortcomings = part(report, "三")
    assert "开展应急演练由2023年的10场降至2024年的4场" in shortcomings
    assert "处置突发事件由" not in shortcomings
