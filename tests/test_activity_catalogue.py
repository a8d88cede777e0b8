"""The activity catalogue and the chooser: the shipped catalogue is consistent and a broken one
is reported; facts are named from the catalogue by the trained model even in words the
catalogue does not hold, only ever in a unit the activity counts, and new work gets a new name."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from bot.settings import Settings
from nlu.activities import (
    ActivityChooser,
    ActivityNamer,
    Context,
    candidates,
    catalogue_name,
    context_at,
    new_name,
)
from nlu.catalogue import by_name, catalogue, catalogue_problems
from nlu.lexicon import SECTION_IDS, problems


def test_the_shipped_catalogue_is_consistent_and_covers_every_section():
    assert catalogue_problems(sections=SECTION_IDS) == []
    assert problems() == []
    assert {a.section for a in catalogue()} == set(SECTION_IDS)
    names = [a.name for a in catalogue()]
    assert len(names) == len(set(names))
    for kept_apart in ("中心组学法", "党员干部集中学习", "远程教育平台学法"):
        assert by_name()[kept_apart].section == "study"


def test_a_broken_catalogue_is_reported(tmp_path: Path):
    path = tmp_path / "activities.yml"
    path.write_text(
        """
activities:
  study:
    - {name: 中心组学法, units: [次], kind: count, phrases: [中心组]}
    - {name: 中心组学法, units: [次], kind: count, phrases: [会前学法]}
    - {name: 学法考试合格率, units: [次], kind: rate, phrases: [合格率]}
    - {name: 学法心得, units: [篇子], kind: count, phrases: [心得]}
    - {name: 读书班, units: [期], kind: tally, phrases: [中心组]}
  nowhere:
    - {name: 空事项, units: [], kind: count, phrases: []}
""",
        "utf-8",
    )
    found = {(key, where) for key, where, _ in catalogue_problems(path, SECTION_IDS)}
    assert ("name_twice", "中心组学法") in found
    assert ("kind_unit", "study/学法考试合格率") in found
    assert ("unit_unknown", "study/学法心得") in found
    assert ("kind_unknown", "study/读书班") in found
    assert ("phrase_two_activities", "中心组") in found
    assert ("section_unknown", "nowhere") in found
    assert ("activity_incomplete", "nowhere/空事项") in found
    assert ("section_missing", "disputes") in found
    path.write_text("activities: [", "utf-8")
    assert [key for key, _, _ in catalogue_problems(path)] == ["unreadable"]


def test_lexicon_check_counts_the_catalogue(cli):
    result = cli("lexicon", "check")
    assert result.exit_code == 0, result.output
    assert f"事项目录 {len(catalogue())} 个" in result.output


def test_a_writer_name_maps_to_the_catalogue_only_when_close():
    floor = ActivityNamer.get_default_config()["map_floor"]
    assert catalogue_name("开展赶场天普法宣传活动", "publicity", "场", floor) == "开展普法宣传活动"
    assert catalogue_name("调处邻里纠纷", "disputes", "件", floor) == "调解矛盾纠纷"
    assert catalogue_name("代写法律文书", "legal_services", "份", floor) == "代写法律文书"
    # nothing of the section counts in this unit, or nothing is close
    assert catalogue_name("调解矛盾纠纷", "disputes", "辆", floor) is None
    assert catalogue_name("清理河道垃圾", "disputes", "件", floor) is None


def test_candidates_count_in_the_fact_unit():
    assert candidates("study", "个") == ()
    assert all("%" in a.units for a in candidates("disputes", "%"))
    assert {a.name for a in candidates("legal_services", "份")} == {"代写法律文书"}


def test_context_and_new_names_come_from_the_words_before_the_number():
    text = "上午组织干部学法1次，参加42人"
    context = context_at(text, text.index("42"))
    assert context.clause == "参加42人" and context.previous == "上午组织干部学法1次"
    text = "@法治台账 今天开了罚单9张"
    assert new_name(context_at(text, text.index("9")), "x") == "开罚单"
    text = "来了40个学生"  # too few words before the number: the clause's
    assert new_name(context_at(text, text.index("40")), "开展普法宣传活动", "个") == "来学生"
    assert new_name(Context("5", "", ""), "开展普法宣传活动", "个") == "开展普法宣传活动（个）"


def test_a_new_name_of_stray_words_gives_way_to_the_old_name_with_its_unit():
    """Words before a number that name no work ("周三周四跟谭队出去5趟", a place, a voice
    input's run-on) never become an activity a draft would state."""
    for text, number in (
        ("周三周四跟谭队出去5趟", "5"),
        ("汛期河道巡查，龙河沿线3次", "3"),
        ("今天下午班子成员搞了个专题言讨围绕5次", "5"),
    ):
        context = context_at(text, text.index(number))
        assert new_name(context, "开展执法检查", "趟") == "开展执法检查（趟）", text
    text = "今天在场镇占道经营巡了5趟"  # mostly words of work: kept for review
    assert new_name(context_at(text, text.index("5")), "开展执法检查", "趟") == "场镇占道经营巡"


@pytest.fixture(scope="module")
def chooser(tmp_path_factory) -> ActivityChooser:
    """The chooser of the trained model (`taizhang train`), read from its archive."""
    from nlu.training import ensure_model

    archive = ensure_model(Settings())
    folder = tmp_path_factory.mktemp("activities")
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            name = Path(member.name).name
            if name.startswith("activities-") and name.endswith(".npz"):
                (folder / name).write_bytes(tar.extractfile(member).read())
    return ActivityChooser.load(folder, ActivityNamer.get_default_config())


def _choose(chooser: ActivityChooser, text: str, number: str, section: str, unit: str) -> str:
    return chooser.choose(context_at(text, text.index(number)), section, unit, "原名")


@pytest.mark.parametrize(
    ("text", "number", "section", "unit", "expected"),
    [
        ("今天帮村里两户人家调停宅基地矛盾3起", "3", "disputes", "起", "调解矛盾纠纷"),
        ("老张家和邻居吵架的事说合好了1件", "1", "disputes", "件", "调解矛盾纠纷"),
        ("党委中心组今天专题学了行政复议法1次", "1", "study", "次", "中心组学法"),
        ("镇机关支部组织全体党员集中学习党章3次", "3", "study", "次", "党员干部集中学习"),
        ("组织村干部在学习强国上学法2次", "2", "study", "次", "远程教育平台学法"),
        ("给王大爷起草赡养费起诉状2份", "2", "legal_services", "份", "代写法律文书"),
        ("在集市上摆摊搞防诈骗法治宣传1场", "1", "publicity", "场", "开展普法宣传活动"),
        ("城管中队开出罚单9张", "9", "enforcement", "张", "办理行政处罚案件"),
    ],
)
def test_phrasings_not_in_the_catalogue_get_its_name(
    chooser, text, number, section, unit, expected
):
    phrases = {p for a in catalogue() for p in (a.name, *a.phrases)}
    assert text not in phrases
    assert _choose(chooser, text, number, section, unit) == expected


def test_a_figure_is_never_named_for_an_activity_that_does_not_count_its_unit(chooser):
    # no study activity counts in 个: not 组织领导干部学法2个, but a new name for review
    text = "今天研读了党章专题2个"
    named = _choose(chooser, text, "2", "study", "个")
    assert named not in by_name() and named == "研读党章专题"
    text = "今年调解纠纷化解率96%"
    assert by_name()[_choose(chooser, text, "96", "disputes", "%")].kind == "rate"


def test_a_question_narrows_to_the_name_the_ledger_stores():
    from actions.question import ledger_name

    assert ledger_name("今年中心组学法几次了", "study", "组织干部学法") == "中心组学法"
    assert ledger_name("今年罚款一共多少", "enforcement", "收缴罚款") == "行政处罚罚没金额"
    assert ledger_name("今年调解成功率多少", "disputes", "调解成功率") == "调解成功率"
    # no catalogued phrase in the question: the taxonomy's own name
    assert ledger_name("今年那个事几次", "study", "组织干部学法") == "组织干部学法"


def test_a_changed_catalogue_changes_the_chooser_config(tmp_path: Path, monkeypatch):
    """Rasa's training cache keys a component on its config: the catalogue's digest is in it,
    so editing the catalogue retrains the chooser."""
    import nlu.catalogue as module

    before = ActivityNamer.get_default_config()["catalogue"]
    changed = tmp_path / "activities.yml"
    changed.write_bytes(module.CATALOGUE_FILE.read_bytes() + b"\n# one more line\n")
    monkeypatch.setattr(module, "CATALOGUE_FILE", changed)
    module.catalogue_digest.cache_clear()
    try:
        assert ActivityNamer.get_default_config()["catalogue"] != before
    finally:
        module.catalogue_digest.cache_clear()


def test_a_unit_the_ledger_sums_with_an_activitys_own_finds_it() -> None:
    # 解答咨询30名: 名 is summed as 人, so the catalogued consultation is a candidate.
    names = [a.name for a in candidates("legal_services", "名")]
    assert "解答法律咨询" in names
    assert "追回欠薪" not in names


@pytest.mark.parametrize(
    ("text", "number", "section", "unit"),
    [
        ("今天在老年协会搞了场防诈骗普法 发了宣传册200份 来了60多个老人", "60", "publicity", "人"),
        ("暑期普法进小区搞完了发了资料三百份资讯的家长有12名", "12", "publicity", "名"),
        ("今天上午旁听庭审，班子成员和站所负责人去了17人", "17", "study", "人"),
    ],
)
def test_a_head_count_is_named_for_catalogued_work_of_its_section(
    chooser, text, number, section, unit
):
    # The words before a head count ("来了", "资讯的家长有") name the audience, not work.
    named = _choose(chooser, text, number, section, unit)
    assert named in by_name() and by_name()[named].section == section
