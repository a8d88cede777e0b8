"""Named places (白岩村, 阳光社区, 青山镇) and the generic words that are not places."""

from __future__ import annotations

import pytest

from nlu.places import find_places


def names(text: str) -> list[str]:
    return [p.name for p in find_places(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昨天在白岩村开展普法宣传两场", ["白岩村"]),
        ("白岩村调解纠纷3件", ["白岩村"]),
        ("今天去阳光社区发放资料", ["阳光社区"]),
        ("在幸福里社区开展宣传", ["幸福里社区"]),
        ("城关街道办理", ["城关街道"]),
        ("青山镇白岩村", ["青山镇", "白岩村"]),
        ("在白岩村三组调解", ["白岩村三组"]),
        ("在白岩村3组调解", ["白岩村3组"]),
        ("在白岩村委会开展", ["白岩村"]),
        ("阳光社区居委会", ["阳光社区"]),
        ("新华居委会", ["新华居委会"]),
        ("和平村", ["和平村"]),
        ("在和平村", ["和平村"]),
        ("走访五星村", ["五星村"]),
        ("在下坝村调解", ["下坝村"]),
        ("今天天河村", ["天河村"]),
        ("深入李家湾村", ["李家湾村"]),
        ("前往桥头村、新民村开展", ["桥头村", "新民村"]),
        ("白岩村村民", ["白岩村"]),
        ("红星乡", ["红星乡"]),
    ],
)
def test_named_places(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "村里",
        "各村",
        "全村",
        "辖区",
        "村民",
        "村干部",
        "村委会",
        "召开村委会",
        "驻村干部",
        "送法下乡",
        "普法进村",
        "法律进社区",
        "乡村振兴",
        "乡镇",
        "城乡",
        "组织全镇干部学法",
        "组织镇村干部学法",
        "组织干部学法",
        "张镇长",
        "三个村",
        "两村",
        "一村一法律顾问",
        "新农村建设",
        "民主法治示范村",
        "行政村",
        "自然村",
        "开展社区矫正",
        "分3组开展",
        "村组干部",
        "各社区",
        "本镇",
        "全乡",
        "",
        "   ",
        "😀😀",
        "收到",
    ],
)
def test_generic_words_are_not_places(text: str) -> None:
    assert names(text) == []


def test_offsets_and_levels() -> None:
    text = "青山镇白岩村调解纠纷"
    township, village = find_places(text)
    assert text[township.start : township.end] == "青山镇" and township.level == 1
    assert text[village.start : village.end] == "白岩村" and village.level == 2


def test_bad_input_never_raises() -> None:
    for text in ["\x00村", "村" * 5000, "社区" * 3000, "a村b镇", "12村", "🏠村", None]:
        for place in find_places(text):  # type: ignore[arg-type]
            assert place.name


def test_names_next_to_verbs_conjunctions_and_labels():
    cases = {
        "今天在茶园村组织防汛应急演练1场": ["茶园村"],
        "在中和社区接待咨询群众32人次": ["中和社区"],
        "调解纠纷3件 地点李家沟村": ["李家沟村"],
        "开会讨论王家坝子村的事": ["王家坝子村"],
        "白岩村和石门村": ["白岩村", "石门村"],
    }
    for text, names in cases.items():
        assert [p.name for p in find_places(text)] == names, text


def test_named_groups_after_a_locator_verb():
    cases = {
        "周二在李家组调解一起纠纷": ["李家组"],
        "又去了坪上组 接待4人次": ["坪上组"],
        "到大湾组开展宣传": ["大湾组"],
        "在白岩村三组调解": ["白岩村三组"],
    }
    for text, expected in cases.items():
        assert names(text) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "在工作组汇报",
        "到调解组开会",
        "去了专班组",
        "今天帮镇政府审了2份租赁合同",
        "法律顾问审查镇政府合同协议4份",
        "按照镇党委统一部署",
        "召开依法治镇委员会第一次全体会议",
        "制定规范性文件一件（《桃源镇农村人居环境整治奖惩办法》）",
    ],
)
def test_offices_titles_and_teams_are_not_places(text: str) -> None:
    assert names(text) == []


def test_a_place_outside_a_document_title_is_kept():
    assert names("在白岩村宣讲《青山镇文明公约》") == ["白岩村"]
    assert names("在青山镇政府召开会议") == ["青山镇"]


def test_each_fact_takes_the_place_written_before_it():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from nlu.facts import extract

    now = datetime(2024, 5, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    facts = extract("白岩村调解纠纷2件 石门村调解纠纷1件", now).facts
    assert sorted((f.value, f.place) for f in facts) == [(1, "石门村"), (2, "白岩村")]
    facts = extract("法律顾问到高坪村接待咨询6人次，又去了坪上组 接待4人次", now).facts
    assert [(f.value, f.place) for f in facts] == [(6, "高坪村"), (4, "坪上组")]
    one_place = extract("在白岩村开展普法宣传2场，发放资料500份", now).facts
    assert {f.place for f in one_place} == {"白岩村"} and len(one_place) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("县人大来镇视察", []),
        ("市领导来村调研", []),
        ("共考核村（社区）14个", []),
        ("督查村3个", []),
        ("在来龙村调解", ["来龙村"]),
    ],
)
def test_verbs_before_a_suffix_are_not_place_names(text: str, expected: list[str]) -> None:
    assert names(text) == expected
