"""The built wheel works on its own: data/, config.yml and the migrations travel inside it
as package data (issue 11: "a built wheel contains none of data/, only an editable install
works").

The wheel is installed without dependencies into a fresh venv that borrows the project venv's
site-packages (a .pth line), so the test takes seconds instead of a full install; the
wheel's own packages come first on sys.path, so nothing is read from the source tree.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from nlu.training import fingerprint
from taizhang.resources import ROOT
from taizhang.settings import Settings

pytestmark = pytest.mark.skipif(
    not (ROOT / "pyproject.toml").is_file(), reason="needs the source tree to build the wheel"
)


def _pip(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args],
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # --no-build-isolation: setuptools from the project venv, no index needed.
    _pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT))
    (found,) = out.glob("taizhang-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; returns its bin directory."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3.*/site-packages"))
    (site / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _pip("--python", str(venv / "bin" / "python"), "install", "--no-deps", str(wheel))
    return venv / "bin"


def _run(program: Path, *args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(program), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_wheel_carries_the_data_config_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "config.yml",
        "alembic.ini",
        "data/replies.yml",
        "data/units.yml",
        "data/report/phrases.yml",
        "data/jieba/userdict.txt",
        "data/lexicon/places.yml",
        "migrations/env.py",
        "migrations/versions/0001_initial_ledger_schema.py",
    ):
        assert f"taizhang/files/{shipped}" in names, shipped
    corpus = [n for n in names if n.startswith("taizhang/files/data/corpus/")]
    assert len(corpus) == len(list((ROOT / "data" / "corpus").glob("*")))


def test_the_installed_bot_parses_a_message(installed, tmp_path, parser):  # parser: a model
    settings = Settings()
    env = {
        **os.environ,
        "TAIZHANG_MODEL_DIR": str(settings.model_dir),  # the model the suite trained
        "TAIZHANG_DATA_DIR": str(tmp_path / "data"),
    }
    probe = (
        "import json, bot, nlu.training as t, taizhang.resources as r;"
        "print(json.dumps([bot.__file__, str(r.ROOT), r.SOURCE_CHECKOUT, t.fingerprint()]))"
    )
    done = _run(installed / "python", "-c", probe, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    code, root, source_checkout, installed_fingerprint = json.loads(done.stdout)
    assert code.startswith(str(installed.parent)) and root.startswith(str(installed.parent))
    assert source_checkout is False
    # The same inputs give the same model name, wherever the files are.
    assert installed_fingerprint == fingerprint(settings)

    done = _run(
        installed / "taizhang",
        "parse",
        "今天在白岩村调解纠纷3件",
        "--json",
        "--now",
        "2024-05-16T10:30:00+08:00",
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["intent"] == "log_activity"
    assert [(f["section"], f["value"], f["unit"], f["place"]) for f in out["facts"]] == [
        ("disputes", 3, "件", "白岩村")  # the place words come from the wheel's places.yml
    ]
