"""Quantities of work in chat text: values, units, and the numbers that must never count."""

from __future__ import annotations

import random

import pytest

from nlu.numbers import (
    find_ordinals,
    find_quantities,
    normalize_width,
    parse_chinese_numeral,
    to_base,
    unit_kind,
)


def only(text: str) -> tuple[float, str | None]:
    found = find_quantities(text)
    assert len(found) == 1, (text, found)
    return found[0].value, found[0].unit


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("今天调解纠纷3件", 3, "件"),
        ("来了四十来个人", 40, "人"),  # people counted with 个 are 人 (units.yml written_as)
        ("调了仨", 3, None),  # 仨 = 三个: the unit is the activity's own
        ("俩人来咨询", 2, "人"),
        ("泄露3个人信息", 3, "个"),  # 个人信息 is no head count
        ("来了40个学生", 40, "人"),  # 个 before a word for people (units.yml people_before)
        ("二十多个村干部参加", 20, "人"),
        ("走访了3个村", 3, "个"),  # 个村 counts villages, not people
        ("建成法治文化广场1个", 1, "个"),
        ("来了二十多个姐妹", 20, "个"),  # the unit as written (docs/corpus-contract.md)
        ("规范摊位34个", 34, "个"),  # 个 of things stays 个
        ("面积约400平方", 400, "平方"),
        ("罚了两千", 2000, "元"),  # a fine supplies the unit left out (cues.yml money_before)
        ("罚款2000", 2000, "元"),
        ("罚了1.5万", 1.5, "万元"),
        ("赔了两万五", 25000, "元"),  # 两万五 is 25000 (colloquial, as 一百五 is 150)
        ("资料发了一万二份", 12000, "份"),
        ("上家赔了1200块钱", 1200, "元"),  # 块钱 is money (it read 1200 with no unit)
        ("出海巡查9航次", 9, "航次"),
        ("调解纠纷３件", 3, "件"),
        ("开展普法宣传三场", 3, "场"),
        ("调解纠纷两件", 2, "件"),
        ("发放资料十二份", 12, "份"),
        ("参加二十五人", 25, "人"),
        ("发放宣传册一百零五册", 105, "册"),
        ("调解了一起纠纷", 1, "起"),
        ("调节邻里纠纷一起", 1, "起"),
        ("组织学法一次", 1, "次"),
        ("发放资料1.2万份", 12000, "份"),
        ("覆盖群众3万人次", 30000, "人次"),
        ("罚款6.177万元", 6.177, "万元"),
        ("补助三万元", 3, "万元"),
        ("罚款5000元", 5000, "元"),
        ("罚款5千元", 5000, "元"),  # 千 and 百 fold into the value even before 元
        ("罚款两千元", 2000, "元"),
        ("罚没款3百元", 300, "元"),
        ("罚款三千五百元", 3500, "元"),
        ("奖励1.5万元", 1.5, "万元"),  # 万 stays in the unit before 元
        ("更换老化软管35根", 35, "根"),  # measure words beyond the usual activity units
        ("线上缴费18笔", 18, "笔"),
        ("申领电子印章2枚", 2, "枚"),
        ("巡查山塘7座", 7, "座"),
        ("更换灭火器二十具", 20, "具"),
        ("调解成功率98%", 98, "%"),
        ("调解成功率98.5％", 98.5, "%"),
        ("化解率百分之九十八", 98, "%"),
        ("发放资料300余份", 300, "份"),
        ("发放资料300多份", 300, "份"),
        ("群众30来人参加", 30, "人"),
        ("一百多人参加", 100, "人"),
        ("考法一两场", 1, "场"),  # a spoken range keeps its lower bound (两三件 -> 2, 一两场 -> 1)
        ("教群众用手机150人", 150, "人"),  # a count after 手机, not a phone number
        ("打了电话3次", 3, "次"),
        ("参训人数一共六十多人", 60, "人"),  # 一共 is "in all", not 1
        ("宣传牌共二十一块", 21, "块"),  # 一块 ("together") only where no numeral comes before
        ("发放资料1,200份", 1200, "份"),
        ("解答咨询30人次", 30, "人次"),
        ("培训2.5小时", 2.5, "小时"),
        ("拆除违建200平方米", 200, "平方米"),
        ("调解纠纷3", 3, None),
        ("调解纠纷3。", 3, None),
        ("悬挂横幅4条", 4, "条"),
        ("走访企业十家", 10, "家"),
        ("99999999999999999999件", 1e20, "件"),
    ],
)
def test_values_and_units(text: str, value: float, unit: str | None) -> None:
    assert only(text) == (pytest.approx(value), unit)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("下午又调了一起", 1, "起"),  # a settling verb before 一起 closing its clause: a count
        ("罚了一家超市两千", 2000, "元"),  # a bare number closing a clause a fine opened
        ("罚款2起共3000", 3000, "元"),
        ("牛吃了别人家的菜，赔了两百块", 200, "元"),  # 块 after a payment is money
        ("宣传牌共二十一块", 21, "块"),
        ("罚了一家超市两千，教育了", 2000, "元"),
        ("罚了两家超市", 2, "家"),
        ("罚款的事3件", 3, "件"),
    ],
)
def test_words_around_a_number_supply_its_unit(text: str, value: float, unit: str) -> None:
    last = find_quantities(text)[-1]
    assert (last.value, last.unit) == (pytest.approx(value), unit)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("石坝村、新店村各调处1件", 2, "件"),  # every item named before 各 did it (contract)
        ("白岩村和茶园村各搞了一场普法", 2, "场"),
        ("3个村各开展1场", 3, "场"),
        ("12月下旬杉树村、新店村调委会各调处矛盾纠纷1件", 2, "件"),
        ("发现违规放牧两起，各罚了五百", 1000, "元"),
        ("东沟村2件、韩北村一件、上寨村和南沟村各1件", 2, "件"),  # items after the last count
        ("两家餐馆违规排放油烟，各罚款2000元", 4000, "元"),  # counted in the clause before
        ("律师去了白荡村和湾里村坐班，接待咨询各3人", 6, "人"),
        ("排查出土地、婚姻家庭、邻里纠纷等各类矛盾12件", 12, "件"),  # 各类 names no items
        ("信息员、镇直各部门业务骨干共32人参训", 32, "人"),
        ("各村都搞了一场", 1, "场"),  # no items named or counted
        ("违规出海渔船2艘，各罚款5000元", 10000, "元"),  # boats are counted items too
        # a clause opening with 各 carries the items of the 各 before it
        ("东风社区、南关社区各开展一场宣传，各发放资料600份", 1200, "份"),
        ("两个社区各开展一场宣传，各发放资料600份，各解答咨询25名", 50, "名"),
        ("各村都搞了一场，各发了资料100份", 100, "份"),
    ],
)
def test_items_before_each_multiply_the_last_number(text: str, value: float, unit: str) -> None:
    last = find_quantities(text)[-1]
    assert (last.value, last.unit) == (pytest.approx(value), unit)


@pytest.mark.parametrize(
    "text",
    ["查扣三轮车", "根据规定", "笔录一份写好了", "只有三个人"],
)
def test_words_that_begin_with_a_measure_word_are_not_units(text: str) -> None:
    assert all(q.unit not in ("轮", "根", "笔", "只") for q in find_quantities(text))


def test_several_quantities_in_order_with_spans() -> None:
    text = "开展普法宣传两场，发放资料500份，解答咨询30人次"
    found = find_quantities(text)
    assert [(q.value, q.unit) for q in found] == [(2, "场"), (500, "份"), (30, "人次")]
    for q in found:
        assert text[q.start : q.end] == q.raw
        assert q.start <= q.number_end <= q.unit_start <= q.end
    assert text[found[1].start : found[1].number_end] == "500"
    assert text[found[1].unit_start : found[1].end] == "份"


def test_approx_is_marked_but_not_inflated() -> None:
    (q,) = find_quantities("发放资料300余份")
    assert q.approx and q.value == 300


def test_a_plus_before_the_measure_word_is_at_least_that_many() -> None:
    (q,) = find_quantities("听讲学生180+人")
    assert (q.value, q.unit, q.approx) == (180, "人", True)
    first, second = find_quantities("3+2件")  # a sum written out is two numbers
    assert (first.value, first.unit, second.value, second.unit) == (3, None, 2, "件")


@pytest.mark.parametrize(
    "text",
    [
        "咱俩一起去村里",  # the two of us, not a count
        "电话13812345678",
        "联系电话 0851-12345678",
        "手机号：139 0000 1111",
        "下午3点开会",
        "3:30开会",
        "3：30集合",
        "5月16日",
        "2024年3月5日",
        "3.5",
        "3-5",
        "12/25",
        "第3次会议",
        "第三期",
        "3号楼",
        "会议室在三楼",
        "302室",
        "3栋2单元",
        "身份证号522601199001011234",
        "工号A3021",
        "拨打12345",
        "12345热线",
        "70岁老人",
        "大家一起学习",
        "纠纷一起来处理",
        "调好了一起去吃饭",  # 一起 with more of its clause after it: together
        "记录表能发我一份吗",
        "给我一份",
        "走进千家万户",
        "一件事一次办",
        "最多跑一次",
        "一次性告知",
        "两个维护",
        "行政执法三项制度",
        "八五普法",
        "十四五规划",
        "两节期间",
        "十一期间",
        "上一条删掉",
        "每周1次",
        "初三",
        "周三",
        "",
        "   ",
        "收到👍",
    ],
)
def test_not_quantities_of_work(text: str) -> None:
    assert find_quantities(text) == []


def test_hotline_number_is_not_a_value_but_its_count_is() -> None:
    assert [(q.value, q.unit) for q in find_quantities("12345转办件3件")] == [(3, "件")]


def test_date_like_decimal_with_unit_is_an_amount() -> None:
    assert only("培训3.5小时") == (3.5, "小时")
    assert only("发放3.5万份") == (35000, "份")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三", 3),
        ("两", 2),
        ("十", 10),
        ("十二", 12),
        ("二十五", 25),
        ("一百零五", 105),
        ("〇", 0),
        ("一千二百", 1200),
        ("一万二千", 12000),
        ("两万", 20000),
        ("一百五", 150),
        ("二〇二四", 2024),
        ("一亿", 100_000_000),
    ],
)
def test_chinese_numerals(text: str, value: float) -> None:
    assert parse_chinese_numeral(text) == value


@pytest.mark.parametrize("text", ["", "三五", "两三", "abc", "十" * 40])
def test_malformed_chinese_numerals(text: str) -> None:
    assert parse_chinese_numeral(text) is None


@pytest.mark.parametrize(
    "text,value,unit",
    [
        ("两三件", 2, "件"),
        ("一百五六十人", 150, "人"),
        ("十几个", 10, "个"),
        ("二十几场", 20, "场"),
        ("百来号人", 100, "人"),
        ("三五个", 3, "个"),
    ],
)
def test_spoken_ranges_keep_their_lower_bound(text: str, value: float, unit: str) -> None:
    """A clerk records the lower bound of 一百五六十人 or 十几个 (annotation guide, principle 7)."""
    assert [(q.value, q.unit) for q in find_quantities(text)] == [(value, unit)]


def test_ordinals_are_reported_separately() -> None:
    (ordinal,) = find_ordinals("召开第3次党委会")
    assert ordinal.unit == "次"
    assert find_ordinals("第二期法律明白人培训")[0].unit == "期"


def test_unit_kinds_and_base_conversion() -> None:
    assert unit_kind("万元") == "money"
    assert unit_kind("人次") == "people"
    assert unit_kind("%") == "percent"
    assert unit_kind("件") == "count"
    assert unit_kind(None) is None
    assert to_base(6.177, "万元") == (pytest.approx(61770), "元")
    assert to_base(3, "件") == (3, "件")


def test_width_normalisation_keeps_length() -> None:
    text = "调解纠纷３件，成功率９８％"
    assert len(normalize_width(text)) == len(text)
    assert normalize_width(text) == "调解纠纷3件，成功率98%"


BAD_INPUTS = [
    "\x00\x01\x02",
    "\u200b\u200b",
    "😀😀😀",
    "a" * 10_000,
    "调解纠纷3件" * 2000,
    "三" * 10_000,
    "1" * 10_000,
    "万" * 500 + "件",
    "１２３４５６７８９０" * 100,
    "Lorem ipsum 3 items, 4.5%",
    "....----////::::",
    "百分之",
    "百分之%",
    "第",
    "3万",
    "0件",
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_never_raises(text: str) -> None:
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text)
        assert isinstance(q.value, float)


def test_random_mixtures_never_raise() -> None:
    alphabet = list(
        "0123456789０３.,:%％-/第号点月日年万余多件次场人份元一二两三十百千零〇调解纠纷 ，。😀\x00a"
    )
    rng = random.Random(20240516)
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        for q in find_quantities(text):
            assert text[q.start : q.end] == q.raw
            assert q.value == q.value  # not NaN


def test_non_string_input_gives_nothing() -> None:
    assert find_quantities(None) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "value"),
    [("参加人数三十二", 32), ("参会人数：45", 45), ("听课人数为18", 18), ("参训人数 20", 20)],
)
def test_a_head_count_without_a_measure_word_is_in_people(text: str, value: float) -> None:
    assert only(text) == (value, "人")


@pytest.mark.parametrize("text", ["连续两天开展巡查", "为期3天的培训", "持续5天"])
def test_durations_are_not_amounts_of_work(text: str) -> None:
    assert find_quantities(text) == []


def test_average_time_is_still_an_amount() -> None:
    assert only("平均用时0.5天") == (0.5, "天")


def test_case_files_are_counted_in_juan() -> None:
    assert only("评查案卷24卷") == (24, "卷")


def test_a_web_address_holds_no_amount_but_the_words_around_it_do() -> None:
    assert find_quantities("https://example.invalid/?q=调解纠纷3件") == []
    (found,) = find_quantities("今天调解纠纷3件，详见 WWW.example.cn/news?id=5")
    assert (found.value, found.unit) == (3, "件")
