"""`taizhang activities` on the real ledger (SQLite and PostgreSQL): the names in the ledger with
their counts and whether the catalogue holds them; merge and rename move every fact, are
recorded with who and when, apply to facts logged later, and can be undone."""

from __future__ import annotations

from sqlalchemy import select

from bot.dispatcher import Dispatcher
from bot.storage.models import ActivityMerge, Fact
from tests.ledger_helpers import ScriptedParser, correction, logged

SCRIPT = {
    "调了3起纠纷": logged("调了3起纠纷", ("disputes", "调解矛盾纠纷", 3, "起")),
    "说和了2件": logged("说和了2件", ("disputes", "说和邻里矛盾", 2, "件")),
    "又说和了1件": logged("又说和了1件", ("disputes", "说和邻里矛盾", 1, "件")),
    "更正为4件": correction("更正为4件", value=4, unit="件"),
    "写了份诉状": logged("写了份诉状", ("legal_services", "帮写诉状", 1, "份")),
}


def _log(settings, session_factory, make_message, *texts: str) -> None:
    bot = Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))
    for minute, text in enumerate(texts):
        bot.handle(make_message(text, time=f"2024-05-16T10:{minute:02d}:00"))


def _facts(session_factory) -> list[tuple[str, str, float, str]]:
    with session_factory() as session:
        rows = session.execute(select(Fact).order_by(Fact.id)).scalars()
        return [(f.activity, f.status, float(f.value), f.unit) for f in rows]


def _flat(output: str) -> str:
    return "".join(output.split())


def test_list_shows_new_names_first_with_counts_units_and_source(
    cli, settings, session_factory, registered, make_message
):
    _log(settings, session_factory, make_message, "调了3起纠纷", "说和了2件", "写了份诉状")
    shown = cli("activities", "list")
    assert shown.exit_code == 0, shown.output
    lines = [_flat(line) for line in shown.output.splitlines() if "│" in line]
    rows = [line for line in lines if "说和邻里矛盾" in line or "调解矛盾纠纷" in line]
    assert "说和邻里矛盾" in rows[0] and "新（待复核）" in rows[0] and "│1│件│" in rows[0]
    assert "调解矛盾纠纷" in rows[1] and "目录" in rows[1] and "│1│起│" in rows[1]
    assert cli("activities", "list", "--town", "白岩镇").exit_code == 0
    assert cli("activities", "list", "--town", "没有镇").exit_code == 1


def test_merge_moves_every_fact_is_recorded_and_applies_later(
    cli, settings, session_factory, registered, make_message
):
    _log(settings, session_factory, make_message, "调了3起纠纷", "说和了2件", "更正为4件")
    before = _facts(session_factory)
    merged = cli("activities", "merge", "说和邻里矛盾", "调解矛盾纠纷", "--by", "王管理员")
    assert merged.exit_code == 0, merged.output
    assert "的2条记录" in _flat(merged.output)  # the superseded 2 and its corrected copy 4
    after = _facts(session_factory)
    assert len(after) == len(before)  # no fact lost
    assert [f[1:] for f in after] == [f[1:] for f in before]
    assert {f[0] for f in after} == {"调解矛盾纠纷"}
    _log(settings, session_factory, make_message, "又说和了1件")  # later: stored as the target
    assert _facts(session_factory)[-1][0] == "调解矛盾纠纷"
    with session_factory() as session:
        (record,) = session.execute(select(ActivityMerge)).scalars()
        assert (record.kind, record.source, record.target, record.made_by) == (
            "merge",
            "说和邻里矛盾",
            "调解矛盾纠纷",
            "王管理员",
        )
        assert record.made_at is not None and record.undone_at is None
    history = _flat(cli("activities", "history").output)
    assert "│1│合并│" in history and "│2│王管理员│" in history


def test_undo_gives_the_moved_facts_their_name_back(
    cli, settings, session_factory, registered, make_message
):
    _log(settings, session_factory, make_message, "调了3起纠纷", "说和了2件")
    assert cli("activities", "merge", "说和邻里矛盾", "调解矛盾纠纷").exit_code == 0
    undone = cli("activities", "undo", "1", "--by", "李四")
    assert undone.exit_code == 0, undone.output
    assert [f[0] for f in _facts(session_factory)] == ["调解矛盾纠纷", "说和邻里矛盾"]
    _log(settings, session_factory, make_message, "又说和了1件")  # the merge no longer stands
    assert _facts(session_factory)[-1][0] == "说和邻里矛盾"
    assert "李四" in _flat(cli("activities", "history").output)
    again = cli("activities", "undo", "1")
    assert again.exit_code == 1 and "已经撤销过了" in _flat(again.stderr)
    assert cli("activities", "undo", "9").exit_code == 1


def test_rename_and_what_is_refused(cli, settings, session_factory, registered, make_message):
    _log(settings, session_factory, make_message, "调了3起纠纷", "说和了2件", "写了份诉状")
    renamed = cli("activities", "rename", "帮写诉状", "代写起诉状")
    assert renamed.exit_code == 0, renamed.output
    assert "代写起诉状" in [f[0] for f in _facts(session_factory)]
    refusals = {
        ("merge", "说和邻里矛盾", "代写起诉状"): "不在同一个板块",
        ("merge", "没有这个", "调解矛盾纠纷"): "台账里没有事项",
        ("merge", "说和邻里矛盾", "说和邻里矛盾"): "不用改",
        ("merge", "说和邻里矛盾", "谁也不知道"): "要起新名字请用rename",
        ("rename", "说和邻里矛盾", "调解矛盾纠纷"): "请用merge",
        ("rename", "代写起诉状", "帮写诉状"): "不能再反过来",
    }
    for args, said in refusals.items():
        result = cli("activities", *args)
        assert result.exit_code == 1, args
        assert said in _flat(result.stderr), (args, result.stderr)
    assert sorted(f[0] for f in _facts(session_factory)) == [
        "代写起诉状",
        "说和邻里矛盾",
        "调解矛盾纠纷",
    ]
