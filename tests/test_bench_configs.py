"""The DIET pipeline of bench/bench_nlu.py differs from ours in intent classification only: the
comparison measures the classifier, so every later component must be configured alike."""

from __future__ import annotations

import yaml

from taizhang.settings import PROJECT_ROOT

LATER = ("nlu.fact_model.LearnedFactReader", "nlu.activities.ActivityNamer",
         "nlu.components.ChineseFactExtractor")  # fmt: skip


def _components(path: str) -> dict[str, dict]:
    pipeline = yaml.safe_load((PROJECT_ROOT / path).read_text("utf-8"))["pipeline"]
    return {step["name"]: step for step in pipeline if step["name"] in LATER}


def test_the_diet_pipeline_reads_facts_exactly_as_ours():
    ours, diet = _components("config.yml"), _components("bench/config_diet.yml")
    assert set(ours) == set(LATER)
    assert diet == ours
