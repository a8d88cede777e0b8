"""The draft states one figure per activity and unit (SQLite and PostgreSQL): kinds of study stay
apart, one activity in two units is two figures, and a figure is stated in the measure word its
facts were written in where that word is summed with the summing unit (起 with 件)."""

from __future__ import annotations

import json
from datetime import date

from bot.dispatcher import Dispatcher
from bot.reports import build_report
from tests.ledger_helpers import ScriptedParser, logged

D = date(2024, 5, 16)
SCRIPT = {
    "中心组学法2次": logged("中心组学法2次", ("study", "中心组学法", 2, "次", D)),
    "中心组又学1次，参加20人": logged(
        "中心组又学1次，参加20人",
        ("study", "中心组学法", 1, "次", D),
        ("study", "参学人数", 20, "人", D),
    ),
    "会前学法2次": logged("会前学法2次", ("study", "领导班子会前学法", 2, "次", D)),
    "化解纠纷3起": logged("化解纠纷3起", ("disputes", "调解矛盾纠纷", 3, "起", D)),
    "化解纠纷4起": logged("化解纠纷4起", ("disputes", "调解矛盾纠纷", 4, "起", D)),
    "调解纠纷2件": logged("调解纠纷2件", ("disputes", "调解矛盾纠纷", 2, "件", D)),
    "接访5件8人次": logged(
        "接访5件8人次",
        ("disputes", "接待群众来访", 5, "件", D),
        ("disputes", "接待群众来访", 8, "人次", D),
    ),
}


def _report(settings, session_factory, make_message, tmp_path) -> dict:
    bot = Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))
    for minute, text in enumerate(SCRIPT):
        bot.handle(make_message(text, time=f"2024-05-16T10:{minute:02d}:00"))
    path = build_report(
        session_factory, "白岩镇", 2024, "json", tmp_path / "r.json", as_of=date(2025, 1, 10)
    )
    return json.loads(path.read_text(encoding="utf-8"))


def _section(data: dict, section_id: str) -> dict:
    return next(s for s in data["sections"] if s["id"] == section_id)


def test_one_figure_per_activity_and_unit(
    settings, session_factory, registered, make_message, tmp_path
):
    data = _report(settings, session_factory, make_message, tmp_path)
    study = _section(data, "study")
    assert [(f["label"], f["value"], f["unit"], f["records"]) for f in study["facts"]] == [
        ("中心组学法", 3, "次", 2),
        ("领导班子会前学法", 2, "次", 1),
        ("参学人数", 20, "人", 1),
    ]
    assert "中心组学法3次" in study["text"] and "领导班子会前学法2次" in study["text"]
    disputes = _section(data, "disputes")
    figures = {(f["label"], f["unit"]): f["value"] for f in disputes["facts"]}
    # 3起 + 4起 + 2件 are summed together and stated as the town wrote most: 起
    assert figures == {
        ("调解矛盾纠纷", "起"): 9,
        ("接待群众来访", "件"): 5,
        ("接待群众来访", "人次"): 8,
    }
    assert "调解矛盾纠纷9起" in disputes["text"]
    assert "调解矛盾纠纷9件" not in disputes["text"]


def test_a_made_up_name_waits_for_review_before_the_report_states_it(
    settings, session_factory, registered, make_message, tmp_path
):
    from bot.storage.activities import rename

    script = {
        "孩子们读宪法52个": logged("孩子们读宪法52个", ("publicity", "孩子读宪法", 52, "个", D)),
        "普法2场": logged("普法2场", ("publicity", "开展普法宣传活动", 2, "场", D)),
    }
    bot = Dispatcher(settings, session_factory, ScriptedParser(script))
    for minute, text in enumerate(script):
        bot.handle(make_message(text, time=f"2024-05-16T10:{minute:02d}:00"))

    def report() -> dict:
        path = build_report(
            session_factory, "白岩镇", 2024, "json", tmp_path / "r.json", as_of=date(2025, 1, 10)
        )
        return json.loads(path.read_text(encoding="utf-8"))

    data = report()
    publicity = _section(data, "publicity")
    assert [f["label"] for f in publicity["facts"]] == ["开展普法宣传活动"]
    assert "孩子读宪法" not in publicity["text"]
    assert data["unreviewed"] == [
        {"section": "publicity", "label": "孩子读宪法", "value": 52, "unit": "个", "records": 1}
    ]
    markdown = build_report(
        session_factory, "白岩镇", 2024, "md", tmp_path / "r.md", as_of=date(2025, 1, 10)
    ).read_text(encoding="utf-8")
    note = next(line for line in markdown.splitlines() if "尚未核对" in line)
    assert "“孩子读宪法”52个" in note and "taizhang activities" in note
    with session_factory() as session:  # a name in chat words is still not stated
        rename(session, "孩子读宪法", "孩子们都读了宪法啦", "管理员")
        session.commit()
    data = report()
    assert [f["label"] for f in data["unreviewed"]] == ["孩子们都读了宪法啦"]
    assert "孩子们都读了宪法啦" not in _section(data, "publicity")["text"]
    with session_factory() as session:
        rename(session, "孩子们都读了宪法啦", "组织学生诵读宪法", "管理员")
        session.commit()
    data = report()
    assert data["unreviewed"] == []
    assert "组织学生诵读宪法52个" in _section(data, "publicity")["text"]


def test_a_year_on_year_change_compares_what_is_summed_together(
    settings, session_factory, registered, make_message, tmp_path
):
    script = {  # last year in every month (a year the draft may compare with), 1起 each
        f"{month}月化解纠纷1起": logged(
            f"{month}月化解纠纷1起",
            ("disputes", "调解矛盾纠纷", 1, "起", date(2023, month, 16)),
        )
        for month in range(1, 13)
    }
    script["化解纠纷30起"] = logged("化解纠纷30起", ("disputes", "调解矛盾纠纷", 30, "起", D))
    bot = Dispatcher(settings, session_factory, ScriptedParser(script))
    for month in range(1, 13):
        bot.handle(make_message(f"{month}月化解纠纷1起", time=f"2023-{month:02d}-16T10:00:00"))
    bot.handle(make_message("化解纠纷30起", time="2024-05-16T10:00:00"))
    path = build_report(
        session_factory, "白岩镇", 2024, "md", tmp_path / "r.md", as_of=date(2025, 1, 10)
    )
    text = path.read_text(encoding="utf-8")
    assert "调解矛盾纠纷由12起增至30起" in text
    assert "降至0" not in text
