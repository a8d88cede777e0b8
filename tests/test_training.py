"""The model is retrained exactly when something that shapes it changes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from nlu.training import _inputs, fingerprint, model_path
from taizhang.settings import PROJECT_ROOT, Settings


def test_fingerprint_follows_training_data(tmp_path):
    data = tmp_path / "nlu"
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", data)
    settings = Settings(training_data=data, model_dir=tmp_path / "models")
    before = fingerprint(settings)
    assert fingerprint(settings) == before  # stable
    example = next(data.glob("greet.yml"))
    example.write_text(example.read_text("utf-8") + "    - 早啊\n", "utf-8")
    after = fingerprint(settings)
    assert after != before
    assert model_path(settings).name == f"config-{after}.tar.gz"
    assert model_path(settings).parent == tmp_path / "models"


def test_notes_beside_the_training_data_change_no_fingerprint(tmp_path):
    """A README describing the corpus is for people: editing it must not retrain the model."""
    data = tmp_path / "nlu"
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", data)
    settings = Settings(training_data=data, model_dir=tmp_path / "models")
    before = fingerprint(settings)
    (data / "README.md").write_text("# 训练数据说明\n", "utf-8")
    assert fingerprint(settings) == before
    (data / "notes.yml").write_text("nlu: []\n", "utf-8")
    assert fingerprint(settings) != before


def test_fingerprint_follows_pipeline(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text((PROJECT_ROOT / "config.yml").read_text("utf-8"), "utf-8")
    settings = Settings(nlu_config=config)
    before = fingerprint(settings)
    config.write_text(config.read_text("utf-8").replace("C: 1.0", "C: 0.9"))
    assert fingerprint(settings) != before


# Reads what training and parsing read, with an audit hook listing every file opened.
_READS = """
import json, os, sys
from datetime import datetime
from zoneinfo import ZoneInfo

opened = set()
sys.addaudithook(lambda event, args: event == "open" and isinstance(args[0], str)
                 and opened.add(os.path.realpath(args[0])))

import yaml
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.importers.importer import TrainingDataImporter
from nlu.facts import extract
from nlu.training import _in_project_root
from taizhang.settings import Settings

settings = Settings()
with _in_project_root():
    importer = TrainingDataImporter.load_nlu_importer_from_config(
        str(settings.nlu_config), training_data_paths=[str(settings.training_data)]
    )
    importer.get_nlu_data()
    pipeline = yaml.safe_load(settings.nlu_config.read_text("utf-8"))["pipeline"]
    for item in pipeline:
        if item.get("dictionary_path"):
            JiebaTokenizer._load_custom_dictionary(item["dictionary_path"])
now = datetime(2024, 5, 16, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
for text in ["今天在白岩村调解纠纷3件", "上周五组织干部学法1次", "更正为4件", "本月进度"]:
    extract(text, now)
print(json.dumps(sorted(opened)))
"""


def test_fingerprint_covers_every_file_training_and_parsing_read():
    """A file the model depends on but the fingerprint misses leaves a stale model (as
    data/units.yml once did): everything of ours that training or the extractor opens must
    be an input, Python code outside nlu/ (settings, paths) excepted."""
    done = subprocess.run(
        [sys.executable, "-c", _READS],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    root = PROJECT_ROOT.resolve()
    ours = set()
    for name in json.loads(done.stdout):
        path = Path(name)
        if root not in path.parents or not path.is_file() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(root)
        top = relative.parts[0]
        if top in (".venv", "models", "build") or top.endswith(".egg-info") or (
            path.suffix == ".py" and relative.parts[0] != "nlu"
        ):
            continue
        ours.add(path)
    inputs = {path.resolve() for _, path in _inputs(Settings(), Settings().nlu_config)}
    assert any(p.name == "units.yml" for p in ours) and any(p.suffix == ".jsonl" for p in ours)
    assert ours - inputs == set()


def test_training_fills_no_rasa_node_cache(monkeypatch):
    """Rasa's cache hook fingerprints every node's output (all training messages, per node);
    taizhang's own fingerprint decides retraining, so training runs without that hook."""
    import rasa.shared.utils.io
    from rasa.engine.training import graph_trainer

    from nlu.training import _without_node_cache

    fingerprinted = []
    monkeypatch.setattr(
        rasa.shared.utils.io, "deep_container_fingerprint", lambda *a: fingerprinted.append(a)
    )
    original = graph_trainer.TrainingHook
    with _without_node_cache():
        hook = graph_trainer.TrainingHook(cache=None, model_storage=None, pruned_schema=None)
        data = hook.on_before_node("node", None, {}, {})
        hook.on_after_node("node", None, {}, object(), data)
    assert fingerprinted == []
    assert graph_trainer.TrainingHook is original  # other trainings keep Rasa's behaviour
