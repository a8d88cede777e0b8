"""The main entry point: facts, corrections, queries, signals and spans from chat lines."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from nlu.facts import SIGNAL_NAMES, Extraction, extract
from nlu.numbers import units
from nlu.result import Correction, Query
from nlu.sections import (
    context_verbs,
    find_section_keyword,
    section_by_id,
    section_ids,
    sections,
)

CST = timezone(timedelta(hours=8))
NOW = datetime(2024, 5, 16, 15, 0, tzinfo=CST)  # a Thursday
TODAY = NOW.date()
ROOT = Path(__file__).resolve().parent.parent


def facts(text: str) -> list[tuple]:
    return [(f.section, f.value, f.unit) for f in extract(text, NOW).facts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天调解纠纷3件", [("disputes", 3, "件")]),
        ("调解纠纷3", [("disputes", 3, "件")]),  # no unit written: the default unit
        ("调节纠纷两件", [("disputes", 2, "件")]),  # common typo
        ("3件矛盾纠纷已调解", [("disputes", 3, "件")]),
        ("今天调解了一起土地纠纷", [("disputes", 1, "起")]),
        ("今天 调解 3件", [("disputes", 3, "件")]),
        ("@法治台账 今天调解纠纷３件", [("disputes", 3, "件")]),
        ("@法治台账\u2005今天调解纠纷3件😊", [("disputes", 3, "件")]),
        (
            "开展普法宣传两场，发放资料500份，解答咨询30人次",
            [("publicity", 2, "场"), ("publicity", 500, "份"), ("legal_services", 30, "人次")],
        ),
        ("上周五组织干部学法1次 参加42人", [("study", 1, "次"), ("study", 42, "人")]),
        ("调解成功率98%", [("disputes", 98, "%")]),
        ("调解成功率98.5%", [("disputes", 98.5, "%")]),
        ("发放资料300余份", [("publicity", 300, "份")]),
        ("发放资料1.2万份", [("publicity", 12000, "份")]),
        ("罚款6.177万元", [("enforcement", 6.177, "万元")]),
        ("法律明白人培训1期", [("publicity", 1, "期")]),
        ("执法人员培训2次", [("enforcement", 2, "次")]),
        ("干部学法培训2次", [("study", 2, "次")]),
        ("召开第3次党委会专题研究法治建设", [("leadership", 1, "次")]),
        ("12345转办件今天办结5件", [("disputes", 5, "件")]),
        ("处理12345工单7件", [("disputes", 7, "件")]),
        ("排查矛盾纠纷12起 化解10起", [("disputes", 12, "起"), ("disputes", 10, "起")]),
        ("昨日接待群众来访15人次", [("disputes", 15, "人次")]),
        (
            "联合执法检查商户23家，开具罚单3张",
            [("enforcement", 23, "家"), ("enforcement", 3, "张")],
        ),
        (
            "组织开展防汛应急演练1次，参演群众120人",
            [("emergency", 1, "次"), ("emergency", 120, "人")],
        ),
        ("本周一排查安全隐患12处，已整改10处", [("emergency", 12, "处"), ("emergency", 10, "处")]),
        ("审查合同5份，出具法律意见书3份", [("decisions", 5, "份"), ("decisions", 3, "份")]),
        ("清理规范性文件6件", [("rules", 6, "件")]),
        ("公开政务信息15条", [("oversight", 15, "条")]),
        ("今天便民服务中心办件86件", [("functions", 86, "件")]),
        ("网上办件40件", [("digital", 40, "件")]),
        ("前天法律顾问进村坐班1天", [("legal_services", 1, "天")]),
        ("开展普法宣传2场，群众300余人参加", [("publicity", 2, "场"), ("publicity", 300, "人")]),
        ("调解纠纷3件，电话13812345678", [("disputes", 3, "件")]),
    ],
)
def test_facts(text: str, expected: list[tuple]) -> None:
    assert facts(text) == [(s, pytest.approx(v), u) for s, v, u in expected]


# --- the message's topic decides section-less verbs (检查, 排查, 办理, 参训 …) ------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "森林防火 巡查林区卡点4个 劝返进山人员9人",
            [("emergency", 4, "个"), ("emergency", 9, "人")],
        ),
        ("防汛 出动巡堤人员25人次", [("emergency", 25, "人次")]),
        (
            "燃气安全检查 检查餐饮店8家 发现隐患5处 已整改4处",
            [("emergency", 8, "家"), ("emergency", 5, "处"), ("emergency", 4, "处")],
        ),
        (
            "规范性文件清理：梳理文件12件，修改2件，废止3件",
            [("rules", 12, "件"), ("rules", 2, "件"), ("rules", 3, "件")],
        ),
        ("一网通办 今天办件45件", [("digital", 45, "件")]),
        ("法律援助 帮村民办理2件", [("legal_services", 2, "件")]),
        ("信访接待12人次，劝返3人", [("disputes", 12, "人次"), ("disputes", 3, "人")]),
        ("12345工单 今天办结6件", [("disputes", 6, "件")]),
        ("环境整治 清理乱堆乱放20处", [("enforcement", 20, "处")]),
        # without a topic a verb keeps its own default section ...
        ("今天检查商户12家", [("enforcement", 12, "家")]),
        ("今天办理业务20件", [("functions", 20, "件")]),
        # ... or none at all when the number cannot be its work
        ("修改3件", []),
        ("清理垃圾30处", []),
        # a topic outside a verb's sections does not capture it
        ("调解纠纷3件，合法性审查1件", [("disputes", 3, "件"), ("decisions", 1, "件")]),
        ("调解纠纷2件 发放资料50份", [("disputes", 2, "件"), ("publicity", 50, "份")]),
    ],
)
def test_topic_sets_the_section_of_generic_verbs(text: str, expected: list[tuple]) -> None:
    assert facts(text) == [(s, pytest.approx(v), u) for s, v, u in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "开展地质灾害避险演练1次 参与群众65人",
            [("emergency", 1, "次"), ("emergency", 65, "人")],
        ),
        (
            "组织防汛演练1场，发放转移明白卡150张",
            [("emergency", 1, "场"), ("emergency", 150, "张")],
        ),
        (
            "开展消防演练1次，发放宣传资料200份",
            [("emergency", 1, "次"), ("emergency", 200, "份")],
        ),
        (
            "召开重大行政决策听证会1场，参会群众代表18人",
            [("decisions", 1, "场"), ("decisions", 18, "人")],
        ),
        (
            "举办执法人员培训1期，参训人员26人",
            [("enforcement", 1, "期"), ("enforcement", 26, "人")],
        ),
        ("法律明白人培训1期 参训40人", [("publicity", 1, "期"), ("publicity", 40, "人")]),
        ("组织干部学法1次，参学干部35人", [("study", 1, "次"), ("study", 35, "人")]),
        ("法治文艺演出1场 观众260人", [("publicity", 1, "场"), ("publicity", 260, "人")]),
        # with no activity before them, participants keep their own default
        ("参训干部30人", [("study", 30, "人")]),
        ("参会人员15人", []),
    ],
)
def test_participants_go_with_their_activity(text: str, expected: list[tuple]) -> None:
    assert facts(text) == [(s, pytest.approx(v), u) for s, v, u in expected]


def test_participant_activity_names() -> None:
    result = extract("开展地质灾害避险演练1次 参与群众65人", NOW)
    assert [f.activity for f in result.facts] == ["开展应急演练", "参演人数"]
    result = extract("举办执法人员培训1期，参训人员26人", NOW)
    assert result.facts[1].activity == "执法人员参训人数"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上午审了3份合同", [("decisions", 3, "份")]),
        ("法律顾问审查采购合同协议2份", [("decisions", 2, "份")]),
        ("对拟印发的文件开展合法性审核2件", [("rules", 2, "件")]),
        ("拟出台的文件合法性审查1件", [("rules", 1, "件")]),
        ("重大行政决策合法性审查2件", [("decisions", 2, "件")]),
        ("党委书记讲授法治专题党课1次", [("leadership", 1, "次")]),
        ("镇长带头讲法治课1堂", [("leadership", 1, "堂")]),
        ("召开第5次党委会，专题研究法治政府建设", [("leadership", 1, "次")]),
        ("网上帮群众办理医保缴费业务12件", [("digital", 12, "件")]),
        ("在数字平台录入信访信息18条", [("digital", 18, "条")]),
        ("网上可办事项新增6项", [("digital", 6, "项")]),
        ("举办文艺汇演2场", [("publicity", 2, "场")]),
        ("调节婚姻纠纷一起，双方达成协议", [("disputes", 1, "起")]),
        ("企业服务专员协调解决用工问题3个", [("functions", 3, "个")]),
        ("网上公开政务信息8条", [("oversight", 8, "条")]),  # 公开 is not handling a case
    ],
)
def test_activity_phrasings(text: str, expected: list[tuple]) -> None:
    assert facts(text) == [(s, pytest.approx(v), u) for s, v, u in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("帮一个农民工申请了法律援助1件", [("legal_services", 1, "件")]),
        ("为一名老人代写起诉状1份", [("legal_services", 1, "份")]),
        ("帮2户村民调解纠纷2件", [("disputes", 2, "件")]),
        # with no other number, the people helped are the count
        ("帮3名群众申请法律援助", [("legal_services", 3, "名")]),
        # a modifier may stand between the numeral and the person after a helping verb
        ("帮一名讨薪农民工申请法律援助1件", [("legal_services", 1, "件")]),
        ("为两位进城务工人员代写起诉状2份", [("legal_services", 2, "份")]),
        # the work may be counted in the next clause of the same sentence
        ("今天帮一个农民工申请了法律援助 1件", [("legal_services", 1, "件")]),
        # ... but not in another sentence, and people are not the work counted after them
        ("帮2名村民咨询。调解纠纷1件", [("legal_services", 2, "名"), ("disputes", 1, "件")]),
        ("走访企业5家 收集诉求9条", [("functions", 5, "家"), ("functions", 9, "条")]),
    ],
)
def test_people_served_are_not_counts_of_work(text: str, expected: list[tuple]) -> None:
    assert facts(text) == [(s, pytest.approx(v), u) for s, v, u in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # safety topics take the publicity forms and the generic verbs after them
        (
            "暑期防溺水宣传进村入户 发放告知书800份 入户宣传210户",
            [("emergency", 800, "份"), ("emergency", 210, "户")],
        ),
        ("防溺水宣传进校园2场", [("emergency", 2, "场")]),
        (
            "防溺水巡查 巡查重点水域5处 劝离玩水儿童4人",
            [("emergency", 5, "处"), ("emergency", 4, "人")],
        ),
        (
            "森林防火宣传月 摆摊宣传2场 发放防火宣传单600份",
            [("emergency", 2, "场"), ("emergency", 600, "份")],
        ),
        (
            "安全生产月宣传咨询日 设摊1个 发放资料350份 解答咨询40人次",
            [("emergency", 1, "个"), ("emergency", 350, "份"), ("legal_services", 40, "人次")],
        ),
        (
            "燃气安全进社区 检查液化气用户45户 更换减压阀12个",
            [("emergency", 45, "户"), ("emergency", 12, "个")],
        ),
        ("汛期前 巡查山塘5座 水库2座", [("emergency", 5, "座"), ("emergency", 2, "座")]),
        ("今天处置一起山林火情", [("emergency", 1, "起")]),
        ("冬春火灾防控 检查企业15家", [("emergency", 15, "家")]),
        # the same forms stay 普法 without a safety topic, or after a 普法 phrase
        ("普法宣传进校园2场 发放资料500份", [("publicity", 2, "场"), ("publicity", 500, "份")]),
        ("调解纠纷2件 宣传3场", [("disputes", 2, "件"), ("publicity", 3, "场")]),
        ("入户宣传86户", [("publicity", 86, "户")]),
        # 隐患 after a dispute word is a dispute in the making; a 处 of danger stays a hazard
        ("网格员排查矛盾隐患3条", [("disputes", 3, "条")]),
        ("调解纠纷2件，发现隐患3处", [("disputes", 2, "件"), ("emergency", 3, "处")]),
        ("地质灾害隐患点排查 共排查12处", [("emergency", 12, "处")]),
    ],
)
def test_emergency_topics_take_their_counts(text: str, expected: list[tuple]) -> None:
    assert facts(text) == [(s, pytest.approx(v), u) for s, v, u in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("罚款三千元", [("enforcement", 3000, "元")]),
        ("罚款2千元", [("enforcement", 2000, "元")]),
        ("罚款1.2万元", [("enforcement", 1.2, "万元")]),
        # a written measure word is kept even when the activity does not list it
        ("网上办理社保缴费30笔", [("digital", 30, "笔")]),
        ("电子印章申领3枚", [("digital", 3, "枚")]),
        ("更换灭火器20具", [("emergency", 20, "具")]),
        ("拆除违建广告牌6块", [("enforcement", 6, "块")]),
    ],
)
def test_written_units_are_kept(text: str, expected: list[tuple]) -> None:
    assert facts(text) == [(s, pytest.approx(v), u) for s, v, u in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # reception counts for the place that receives
        (
            "人大代表之家接待选民20人次，收集意见建议6条",
            [("oversight", 20, "人次"), ("oversight", 6, "条")],
        ),
        ("代表联络站今天接待群众8人次", [("oversight", 8, "人次")]),
        ("公共法律服务站接待来访群众15人次", [("legal_services", 15, "人次")]),
        ("政务服务窗口接待群众230人次", [("functions", 230, "人次")]),
        ("接待来访群众6人次", [("disputes", 6, "人次")]),
        ("信坊接待群众3批次", [("disputes", 3, "批次")]),  # common typo of 信访
        # requests gathered belong to whoever gathers them
        ("企业服务专员收集企业诉求4条", [("functions", 4, "条")]),
        ("信访接待 收集群众诉求3条", [("disputes", 3, "条")]),
        # studying a law, a reading club
        (
            "组织班子成员学习新修订的《中华人民共和国行政处罚法》 参学18人",
            [("study", 18, "人")],
        ),
        ("集中学习安全生产法1次", [("study", 1, "次")]),
        ("组织执法人员学习行政处罚法 参加16人", [("enforcement", 16, "人")]),
        ("法治读书会开了一期 参加十五人", [("study", 1, "期"), ("study", 15, "人")]),
        # the head of government pushing the rule of law
        ("书记主持召开法治建设推进会1次", [("leadership", 1, "次")]),
        ("镇长调研法治政府建设2次", [("leadership", 2, "次")]),
        ("召开法治政府建设工作会议1次", [("leadership", 1, "次")]),
        # a case is the topic's case
        ("法律援助中心 受理案件3件", [("legal_services", 3, "件")]),
        ("执法中队办理案件4件", [("enforcement", 4, "件")]),
        ("查处违法案件2起", [("enforcement", 2, "起")]),
        # contracts reviewed in a split phrasing
        ("法律顾问对镇政府采购合同进行了审查 共2份", [("decisions", 2, "份")]),
        ("对拟发的文件进行合法性审核 共1件", [("rules", 1, "件")]),
        # money recovered in a mediation stays with the mediation
        ("调解婚姻纠纷1件 挽回经济损失2万元", [("disputes", 1, "件"), ("disputes", 2, "万元")]),
        ("通过法律援助挽回经济损失3万元", [("legal_services", 3, "万元")]),
        ("处置突发事件2起", [("emergency", 2, "起")]),
    ],
)
def test_more_activity_phrasings(text: str, expected: list[tuple]) -> None:
    assert facts(text) == [(s, pytest.approx(v), u) for s, v, u in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the ordinal names the action (1 次), its 次 never takes the next count's unit
        (
            "今年第2次集中拆除行动 拆除违建4处",
            [("enforcement", 4, "处"), ("enforcement", 1, "次")],
        ),
        (
            "第3次联合执法行动 查扣三轮车5辆",
            [("enforcement", 5, "辆"), ("enforcement", 1, "次")],
        ),
        ("召开依法治镇委员会第一次全体会议", [("leadership", 1, "次")]),
        ("视频号：普法小课堂第12期", []),  # an episode title, not work
    ],
)
def test_ordinals_count_the_occurrence_once(text: str, expected: list[tuple]) -> None:
    assert sorted(facts(text)) == sorted((s, float(v), u) for s, v, u in expected)


def dated(text: str) -> list[tuple]:
    return [(f.section, f.value, f.date) for f in extract(text, NOW).facts]


def test_each_list_item_stands_alone_for_its_date() -> None:
    monday, wednesday = date(2024, 5, 13), date(2024, 5, 15)
    numbered = (
        "本周工作小结：\n1. 周一调解纠纷2件\n2. 周三开展普法宣传1场 发放资料300份\n3. 办件56件"
    )
    assert dated(numbered) == [
        ("disputes", 2, monday),
        ("publicity", 1, wednesday),
        ("publicity", 300, wednesday),
        ("functions", 56, TODAY),  # no topic from item 1 either
    ]
    assert dated("①周一调解纠纷2件 ②便民服务中心办件5件") == [
        ("disputes", 2, monday),
        ("functions", 5, TODAY),
    ]
    assert dated("一、周三排查隐患4处；二、调解纠纷1件") == [
        ("emergency", 4, wednesday),
        ("disputes", 1, TODAY),
    ]
    assert dated("周一调解纠纷2件\n便民服务中心办件6件") == [
        ("disputes", 2, monday),
        ("functions", 6, TODAY),
    ]


def test_a_date_heading_a_list_dates_every_item() -> None:
    yesterday = TODAY - timedelta(days=1)
    assert dated("昨天工作：\n1. 调解纠纷2件\n2. 发放资料300份") == [
        ("disputes", 2, yesterday),
        ("publicity", 300, yesterday),
    ]
    assert dated("昨天\n调解纠纷2件\n接待信访4人次") == [
        ("disputes", 2, yesterday),
        ("disputes", 4, yesterday),
    ]
    # a dated line without a number heads the next line
    assert dated("5月14日在白岩村开展普法宣传\n发放资料200份") == [
        ("publicity", 200, date(2024, 5, 14))
    ]


def test_without_a_list_a_date_carries_to_later_clauses() -> None:
    monday = date(2024, 5, 13)
    # a mediation handles no 办件 of its own: the 56 件 are the service centre's (functions)
    assert dated("周一调解纠纷2件，办件56件") == [
        ("disputes", 2, monday),
        ("functions", 56, monday),
    ]


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("上周那2件纠纷的卷宗放哪了", "has_question"),
        ("调解协议书在哪", "has_question"),
        ("普法资料还有吗", "has_question"),
        ("谁去白岩村", "has_question"),
        ("那个表呢", "has_question"),
        ("执法检查记录表能发我一份吗", "has_record_reference"),
        ("上周那2件纠纷的卷宗放哪了", "has_record_reference"),
        ("@张主任 今天调解纠纷3件", "has_colleague_mention"),
        ("调解纠纷的材料 @王姐 看一下", "has_colleague_mention"),
        ("计划下周开展普法宣传2场", "has_plan_word"),
        ("打算明天去白岩村调解纠纷", "has_plan_word"),
        ("预计本月办结信访件5件", "has_plan_word"),
        ("准备开展防汛演练", "has_plan_word"),
    ],
)
def test_signals_for_messages_that_are_not_records(text: str, signal: str) -> None:
    assert extract(text, NOW).signals[signal] == 1.0


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("@法治台账 今天调解纠纷3件", "has_colleague_mention"),
        ("@法治台账\u2005今天调解纠纷3件", "has_colleague_mention"),
        ("邮箱abc@qq.com", "has_colleague_mention"),
        ("今天调解纠纷3件，明天继续", "has_plan_word"),
        ("对拟印发的文件进行合法性审核3件", "has_plan_word"),
        ("对拟印发的文件进行合法性审核3件", "has_future_marker"),
        ("今天调解纠纷3件", "has_question"),
        ("今天调解纠纷3件", "has_record_reference"),
        ("哪怕下雨也完成巡查2次", "has_question"),
    ],
)
def test_signals_stay_quiet(text: str, signal: str) -> None:
    assert extract(text, NOW).signals[signal] == 0.0


def test_requests_for_a_copy_are_not_facts() -> None:
    assert extract("执法检查记录表能发我一份吗", NOW).facts == []


def test_bot_name_is_configurable() -> None:
    text = "@台账助手 今天调解纠纷3件"
    assert extract(text, NOW).signals["has_colleague_mention"] == 1.0
    assert extract(text, NOW, bot_name="台账助手").signals["has_colleague_mention"] == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "收到",
        "好的👍",
        "电话13812345678",
        "3号楼",
        "下午3点开会",
        "明天3点开会",
        "会议室在三楼",
        "请各村于5月20日前报送材料",
        "第3次会议",
        "今年调解多少件了",
        "撤回",
        "你好",
        "大家一起学习民法典",
        "5月16日",
        "3.5",
        "",
        "   ",
        "\x00",
        "😀😀😀",
    ],
)
def test_numbers_without_recognisable_work_are_never_facts(text: str) -> None:
    assert extract(text, NOW).facts == []


def test_dates_and_places_attach_to_facts() -> None:
    result = extract("昨天在白岩村开展普法宣传两场，发放资料500份", NOW)
    assert [f.to_dict() for f in result.facts] == [
        {
            "section": "publicity",
            "activity": "开展普法宣传活动",
            "value": 2,
            "unit": "场",
            "date": "2024-05-15",
            "place": "白岩村",
        },
        {
            "section": "publicity",
            "activity": "发放宣传资料",
            "value": 500,
            "unit": "份",
            "date": "2024-05-15",
            "place": "白岩村",
        },
    ]


def test_each_clause_takes_its_own_date() -> None:
    result = extract("5月14日排查纠纷4件，5月15日调解2件", NOW)
    assert [f.date for f in result.facts] == [date(2024, 5, 14), date(2024, 5, 15)]


def test_no_date_means_today_and_no_place_means_none() -> None:
    (fact,) = extract("调解纠纷3件", NOW).facts
    assert fact.date == TODAY and fact.place is None


def test_participants_go_to_the_participant_activity() -> None:
    result = extract("上周五组织干部学法1次 参加42人", NOW)
    assert [(f.activity, f.date) for f in result.facts] == [
        ("组织干部学法", date(2024, 5, 10)),
        ("参学人数", date(2024, 5, 10)),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刚才那条写错了，是4件", Correction(value=4, unit="件")),
        ("更正为4件", Correction(value=4, unit="件")),
        ("不对，应该是5场", Correction(value=5, unit="场")),
        ("改成4", Correction(value=4)),
        ("撤回", Correction(retract=True)),
        ("删掉刚才那条", Correction(retract=True)),
        ("上一条作废", Correction(retract=True)),
        ("上一条删掉", Correction(retract=True)),
        ("刚才的不算", Correction(retract=True)),
        ("写错了", Correction(value=None)),
    ],
)
def test_corrections(text: str, expected: Correction) -> None:
    assert extract(text, NOW).correction == expected


@pytest.mark.parametrize("text", ["今天调解纠纷3件", "收到", "今年调解多少件了", "你好"])
def test_no_correction(text: str) -> None:
    assert extract(text, NOW).correction is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今年调解多少件了", Query("disputes", "year", False)),
        ("本月进度", Query(None, "month", False)),
        ("哪些板块还没有记录", Query(None, None, True)),
        ("还有哪些没报", Query(None, None, True)),
        ("普法这季度搞了几场", Query("publicity", "quarter", False)),
        ("这周信访接待了多少人次？", Query("disputes", "week", False)),
        ("全年执法检查情况", Query("enforcement", "year", False)),
        ("法律咨询一共多少", Query("legal_services", None, False)),
    ],
)
def test_queries(text: str, expected: Query) -> None:
    assert extract(text, NOW).query == expected


def test_query_period_is_the_period_reader_s() -> None:
    """The question's period is read by nlu.periods: its contract kind and its exact days."""
    query = extract("上个月调解了多少件", NOW).query
    assert query is not None and query.period == "month"
    assert query.dates is not None
    assert (query.dates.start, query.dates.end) == (date(2024, 4, 1), date(2024, 4, 30))
    assert query.to_dict() == {
        "section": "disputes",
        "period": "month",
        "uncovered": False,
        "start": "2024-04-01",
        "end": "2024-04-30",
    }
    assert extract("哪些板块还没有记录", NOW).query.to_dict() == {  # type: ignore[union-attr]
        "section": None,
        "period": None,
        "uncovered": True,
    }


@pytest.mark.parametrize("text", ["今天调解纠纷3件", "收到", "撤回", "你好"])
def test_no_query(text: str) -> None:
    assert extract(text, NOW).query is None


def test_weekday_is_not_a_week_period() -> None:
    result = extract("本周一调解纠纷3件", NOW)
    assert result.signals["has_period_word"] == 0.0
    assert result.facts[0].date == date(2024, 5, 13)


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("今天调解纠纷3件", "has_fact"),
        ("已调解纠纷3件", "has_past_marker"),
        ("下周准备开展普法宣传2场", "has_future_marker"),
        ("请各村于周五前开展安全检查3次", "has_request_marker"),
        ("今年调解多少件了", "has_question"),
        ("哪些板块还没有记录", "has_uncovered_phrase"),
        ("刚才那条写错了，是4件", "has_correction_word"),
        ("撤回", "has_retract_word"),
        ("出个报告初稿", "has_report_word"),
        ("怎么用", "has_help_word"),
        ("早上好", "has_greet_word"),
        ("辛苦了", "has_thanks_word"),
        ("收到", "has_ack_word"),
        ("电话13812345678", "has_phone_or_time"),
        ("明天3点开会", "has_phone_or_time"),
        ("在白岩村调解纠纷1件", "has_place"),
    ],
)
def test_signals_fire(text: str, signal: str) -> None:
    assert extract(text, NOW).signals[signal] == 1.0


def test_signals_quiet_on_plain_chatter() -> None:
    signals = extract("收到", NOW).signals
    assert signals["has_fact"] == signals["has_quantity"] == signals["has_question"] == 0.0


def test_spans_cover_entities() -> None:
    text = "昨天在白岩村开展普法宣传两场"
    spans = extract(text, NOW).spans
    by_entity = {s.entity: (text[s.start : s.end], s.value) for s in spans}
    assert by_entity == {
        "date": ("昨天", "2024-05-15"),
        "place": ("白岩村", "白岩村"),
        "activity": ("普法宣传", "开展普法宣传活动"),
        "quantity": ("两", "2"),
        "unit": ("场", "场"),
    }


BAD_INPUTS = [
    "",
    " ",
    "\n\t",
    "\x00\x07\x1b",
    "😀",
    "👍👍👍",
    "a" * 10_000,
    "调解纠纷3件，" * 1500,
    "99999999999999999999件",
    "调解纠纷99999999999999999999件",
    "Hello world 123",
    "mixed中文abc调解3件",
    "@法治台账",
    "@法治台账 ",
    "，，，。。。",
    "第第第",
    "万万万件",
    "%%%",
    "百分之",
    "3:30:30",
    "１２３４５６７８９",
    "\u200b调解\u200b纠纷\u200b3件",
    "调解纠纷-3件",
    "调解纠纷0件",
    "🏠村镇乡",
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_gives_a_valid_extraction(text: str) -> None:
    result = extract(text, NOW)
    assert isinstance(result, Extraction)
    assert tuple(result.signals) == SIGNAL_NAMES
    assert all(isinstance(v, float) for v in result.signals.values())
    for span in result.spans:
        assert 0 <= span.start < span.end <= len(text)
    for fact in result.facts:
        assert fact.section in section_ids()
        fact.to_dict()


def test_random_messages_never_raise() -> None:
    pieces = [
        "今天",
        "昨天",
        "上周五",
        "3月5日",
        "5号",
        "在白岩村",
        "调解",
        "纠纷",
        "普法宣传",
        "发放资料",
        "3",
        "两",
        "500",
        "1.2万",
        "件",
        "场",
        "份",
        "人次",
        "%",
        "，",
        " ",
        "。",
        "参加",
        "42人",
        "撤回",
        "改成",
        "多少",
        "本月",
        "😀",
        "\x00",
        "第",
        "号楼",
        "13812345678",
        "点",
        "：",
    ]
    rng = random.Random(516)
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        result = extract(text, NOW)
        assert tuple(result.signals) == SIGNAL_NAMES
        for fact in result.facts:
            assert fact.unit and fact.section in section_ids()


def test_non_string_input() -> None:
    result = extract(None, NOW)  # type: ignore[arg-type]
    assert result.facts == [] and tuple(result.signals) == SIGNAL_NAMES


# --- the taxonomy file ---------------------------------------------------------------------------


def test_twelve_sections_in_report_order() -> None:
    assert section_ids() == (
        "study",
        "leadership",
        "functions",
        "rules",
        "decisions",
        "enforcement",
        "emergency",
        "disputes",
        "oversight",
        "digital",
        "publicity",
        "legal_services",
    )
    assert section_by_id("disputes").title == "健全社会矛盾纠纷行政预防调处化解体系"
    assert section_by_id("disputes").short_title == "矛盾纠纷预防化解"
    assert section_by_id("nope") is None


def test_taxonomy_is_consistent() -> None:
    known_units = set(units())
    seen: dict[str, str] = {}
    for section in sections():
        assert section.title and section.short_title and section.keywords
        if section.participant_activity:
            assert section.activity(section.participant_activity) is not None
        for activity in section.activities:
            assert activity.default_unit in activity.units
            assert set(activity.units) <= known_units, activity.name
            for pattern in activity.patterns:
                assert pattern not in seen, (pattern, seen.get(pattern), activity.name)
                seen[pattern] = activity.name
    activity_names = {a.name for section in sections() for a in section.activities}
    for verb in context_verbs():
        assert verb.patterns and set(verb.topics) <= set(section_ids()) | activity_names, verb.name
        for section_id, activity in verb.in_section:
            assert activity.section == section_id, (verb.name, activity.name)
        for pattern in verb.patterns:
            assert pattern not in seen, (pattern, seen.get(pattern), verb.name)
            seen[pattern] = verb.name


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("调解", "disputes"),
        ("信访", "disputes"),
        ("普法", "publicity"),
        ("法律咨询", "legal_services"),
        ("执法", "enforcement"),
        ("应急演练", "emergency"),
        ("学法", "study"),
        ("述法", "leadership"),
        ("规范性文件", "rules"),
        ("重大决策", "decisions"),
        ("政务公开", "oversight"),
        ("一网通办", "digital"),
        ("便民服务", "functions"),
        ("今天天气不错", None),
    ],
)
def test_section_keywords(text: str, section: str | None) -> None:
    assert find_section_keyword(text) == section


def test_jieba_userdict_is_well_formed() -> None:
    lines = (ROOT / "data" / "jieba" / "userdict.txt").read_text(encoding="utf-8").splitlines()
    words = set()
    for line in lines:
        word, freq, pos = line.split(" ")
        assert word and int(freq) > 0 and pos.isalpha()
        words.add(word)
    assert {"法律明白人", "矛盾纠纷", "人民调解", "普法宣传", "12345", "民法典"} <= words


# --- third development round: one group per class of miss -----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # case-file reviews are enforcement, counted in 卷, with their side numbers
        (
            "案卷评查 评查执法案卷12卷 优秀5卷",
            [("enforcement", 12, "卷"), ("enforcement", 5, "卷")],
        ),
        (
            "开展行政执法案卷评查1次，合格率95%，发现问题4个",
            [("enforcement", 1, "次"), ("enforcement", 95, "%"), ("enforcement", 4, "个")],
        ),
        # administrative review and litigation are enforcement (复议案件 is no 议案)
        ("办理行政复议案件2件", [("enforcement", 2, "件")]),
        ("出庭应诉行政诉讼案件1件", [("enforcement", 1, "件")]),
        (
            "组织执法人员参加执法资格考试 参考12人 通过10人",
            [("enforcement", 12, "人"), ("enforcement", 10, "人")],
        ),
        # audit follow-up is oversight, with its money, rules and rate
        (
            "审计整改 整改问题6个 追缴资金1.5万元 完善制度2项 整改完成率90%",
            [
                ("oversight", 6, "个"),
                ("oversight", 1.5, "万元"),
                ("oversight", 2, "项"),
                ("oversight", 90, "%"),
            ],
        ),
        ("公开村务财务信息20条", [("oversight", 20, "条")]),
        (
            "市人大代表视察便民服务中心1次 参加代表8名",
            [("oversight", 1, "次"), ("oversight", 8, "名")],
        ),
        # fair-competition review and its documents are rules work
        ("公平竞争审查 审查政策文件4份", [("rules", 4, "份")]),
        ("开展公平竞争审查3件，清理存量文件2件", [("rules", 3, "件"), ("rules", 2, "件")]),
        # clearing certificate requirements is government functions
        (
            "证明事项清理 梳理证明事项18项 取消5项",
            [("functions", 18, "项"), ("functions", 5, "项")],
        ),
        # stability-risk assessment and expert hearings are decisions
        ("开展社会稳定风险评估2次", [("decisions", 2, "次")]),
        ("召开专家论证会2场 邀请专家6名", [("decisions", 2, "场"), ("decisions", 6, "名")]),
        ("召开听证会1场 旁听群众20人", [("decisions", 1, "场"), ("decisions", 20, "人")]),
        ("集体讨论重大事项 党委会研究5项", [("decisions", 5, "项")]),
        # the rule-of-law assessment of villages is leadership
        ("开展法治建设考核1次", [("leadership", 1, "次")]),
        ("法治建设年度考核，共考核村（社区）9个", [("leadership", 9, "个")]),
        ("镇村两级签订第一责任人责任书16份", [("leadership", 16, "份")]),
        # video meetings and phone-based handling are digital
        ("组织视频会议3次", [("digital", 3, "次")]),
        ("指导群众用手机办理社保业务12件", [("digital", 12, "件")]),
        # lessons given to villagers or pupils are publicity, not a leader's 法治课
        ("在中心小学上法治课3节 学生260人", [("publicity", 3, "节"), ("publicity", 260, "人")]),
        ("给网格员上了一堂宪法课 听课30人", [("publicity", 1, "堂"), ("publicity", 30, "人")]),
        (
            "以案释法活动2场 讲解典型案例5个",
            [("publicity", 2, "场"), ("publicity", 5, "个")],
        ),
        ("民法典宣传 设咨询台2个", [("publicity", 2, "个")]),
        # grid events are disputes work, and so is their 办结
        ("网格员上报事件20件 办结18件", [("disputes", 20, "件"), ("disputes", 18, "件")]),
        # notarisation is a legal service; enquiries at a service window are functions
        ("帮群众办理公证3件", [("legal_services", 3, "件")]),
        ("便民服务窗口接待咨询群众40人次", [("functions", 40, "人次")]),
        ("接待法律咨询15人次", [("legal_services", 15, "人次")]),
        # a safety campaign owns its banners and its rectification notices
        ("防汛宣传 悬挂横幅6条", [("emergency", 6, "条")]),
        ("普法宣传 悬挂横幅6条", [("publicity", 6, "条")]),
        (
            "消防安全检查 检查商铺9家 下达整改通知书3份",
            [("emergency", 9, "家"), ("emergency", 3, "份")],
        ),
        ("违建整治 下达整改通知书4份", [("enforcement", 4, "份")]),
        ("处置一起液化气泄漏事件", [("emergency", 1, "起")]),
        # 会上学习 is part of the meeting: its participants are the meeting's
        (
            "召开法治建设推进会1次，会上学习《行政处罚法》，参会干部30名",
            [("leadership", 1, "次"), ("leadership", 30, "名")],
        ),
        ("组织学习《行政处罚法》1次 参会人员30名", [("study", 1, "次"), ("study", 30, "名")]),
        # a head count without a measure word, a typo of 学法, a duration
        ("干部学发2次 参加人数四十", [("study", 2, "次"), ("study", 40, "人")]),
        ("法律明白人培训1期 参训人数：25", [("publicity", 1, "期"), ("publicity", 25, "人")]),
        ("连续三天开展防溺水巡河 劝离游泳人员8人", [("emergency", 8, "人")]),
    ],
)
def test_third_round_classes(text: str, expected: list[tuple]) -> None:
    assert facts(text) == expected


def test_mediation_does_not_capture_service_counts_but_work_orders_do() -> None:
    assert facts("调解纠纷1件 办件9件") == [("disputes", 1, "件"), ("functions", 9, "件")]
    assert facts("信访件 本周办结3件") == [("disputes", 3, "件")]
    assert facts("12345工单 办结4件") == [("disputes", 4, "件")]


def test_two_weekdays_written_together_date_the_first() -> None:
    tuesday = date(2024, 5, 14)
    got = extract("周二周三开展森林防火宣传 发放资料800份", NOW).facts
    assert [(f.section, f.value, f.date) for f in got] == [("emergency", 800, tuesday)]
    got = extract("周二、周三调解纠纷3件", NOW).facts
    assert [(f.value, f.date) for f in got] == [(3, tuesday)]


def test_visit_by_an_outside_body_names_no_place() -> None:
    got = extract("县人大来镇视察法治政府建设1次", NOW).facts
    assert [(f.section, f.place) for f in got] == [("oversight", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今年digital有多少条", "digital"),
        ("legal_services本月有几条了", "legal_services"),
        ("这个季度Study板块有多少次", "study"),
        ("rulesxyz", None),
        ("今年调解多少件", None),
    ],
)
def test_a_section_named_by_its_id(text: str, expected: str | None) -> None:
    from nlu.sections import find_section_id

    assert find_section_id(text) == expected
