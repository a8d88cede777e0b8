"""The model is retrained exactly when something that shapes it changes."""

from __future__ import annotations

import shutil

from bot.settings import PROJECT_ROOT, Settings
from nlu.training import fingerprint, model_path


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


def test_fingerprint_follows_pipeline(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text((PROJECT_ROOT / "config.yml").read_text("utf-8"), "utf-8")
    settings = Settings(nlu_config=config)
    before = fingerprint(settings)
    config.write_text(config.read_text("utf-8").replace("C: 1.0", "C: 0.9"))
    assert fingerprint(settings) != before
