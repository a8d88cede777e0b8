"""Training the NLU model, and knowing when the shipped one is stale.

The model file is named after a fingerprint of everything that shapes it (pipeline,
training data, taxonomy, jieba dictionary, component code), so "train when missing or
when the training data changed" is a file-exists check, and `rasa train nlu` run by hand
(which names models by timestamp) never shadows it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from taizhang.resources import ROOT
from taizhang.settings import Settings, get_settings

log = logging.getLogger(__name__)

MODEL_SUFFIX = ".tar.gz"
# Data files the nlu code reads itself (not named in config.yml).
READ_BY_CODE = ("data/sections.yml", "data/units.yml", "data/lexicon", "data/query.yml")
# Read after the parse, never by training or the pipeline: the follow-up step the dispatcher
# runs with the sender's previous message (nlu/follow_up.py). Editing them keeps the model.
AFTER_THE_PARSE = ("nlu/follow_up.py", "data/lexicon/follow_up.yml")


def _named_in_config(config: Path) -> Iterable[Path]:
    """Folders and files config.yml points at: the jieba dictionary, the corpus importer."""
    document = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    for item in (document.get("pipeline") or []) + (document.get("importers") or []):
        for key in ("dictionary_path", "corpus"):
            if isinstance(item, dict) and item.get(key):
                path = Path(item[key])
                yield path if path.is_absolute() else ROOT / path


def _files_under(path: Path) -> Iterable[Path]:
    """The files of a folder, except notes for people (a README beside the corpus changes no
    model, and editing it must not retrain one)."""
    if path.is_dir():
        found = (
            p
            for p in path.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".md"
        )
        yield from sorted(found)
    elif path.is_file():
        yield path


def _inputs(settings: Settings, config: Path) -> Iterable[tuple[str, Path]]:
    """Every file whose content changes what the trained model does, with a stable name
    (the same in a source checkout and in an installed wheel)."""
    yield "config.yml", config
    named = [settings.training_data, *_named_in_config(config), *(ROOT / f for f in READ_BY_CODE)]
    for folder in named:
        for path in _files_under(folder):
            if _name(path, ROOT) not in AFTER_THE_PARSE:
                yield _name(path, ROOT), path
    code = Path(str(files("nlu")))
    for path in _files_under(code):
        if path.suffix == ".py" and "nlu/" + _name(path, code) not in AFTER_THE_PARSE:
            yield "nlu/" + _name(path, code), path
    for path in feedback_files(settings):  # people's answers (bot/feedback.py)
        yield f"feedback/{path.name}", path


def _name(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:  # outside the project (a test's own data): its name is enough
        return path.name


def feedback_files(settings: Settings) -> list[Path]:
    """People's decided messages exported from the ledger (bot/feedback.py)."""
    folder = settings.data_dir / "feedback"
    return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []


@contextmanager
def _training_data(settings: Settings) -> Iterator[Path]:
    """data/nlu, plus the feedback files beside it when there are any: Rasa hands this
    folder to every importer, and nlu.corpus.CorpusImporter reads the JSON lines in it."""
    feedback = feedback_files(settings)
    if not feedback:
        yield settings.training_data.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="taizhang-training-") as folder:
        staged = Path(folder)
        shutil.copytree(settings.training_data, staged / "nlu")
        (staged / "feedback").mkdir()
        for path in feedback:
            shutil.copy2(path, staged / "feedback" / path.name)
        yield staged


def fingerprint(settings: Settings | None = None, config: Path | None = None) -> str:
    """A short hash of the model's inputs (names and contents) and of the Rasa version."""
    import rasa

    settings = settings or get_settings()
    config = config or settings.nlu_config
    digest = hashlib.sha256(f"rasa {rasa.__version__}".encode())
    for name, path in _inputs(settings, config):
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path(settings: Settings | None = None, config: Path | None = None) -> Path:
    """Where the model for the current inputs lives (it may not exist yet)."""
    settings = settings or get_settings()
    config = config or settings.nlu_config
    return settings.model_dir / f"{config.stem}-{fingerprint(settings, config)}{MODEL_SUFFIX}"


@contextmanager
def _in_project_root():
    """Rasa resolves relative paths in config.yml (the jieba dictionary) from the cwd."""
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(previous)


@contextlib.contextmanager
def _without_node_cache() -> Iterator[None]:
    """Train without Rasa's per-node cache. Rasa fingerprints every node's output (each of
    the ~25,000 training messages, once per node: over a minute of a five-minute training) to
    reuse it in a later training; taizhang names a model by its own fingerprint of code,
    config and data (`fingerprint`) and trains only when that changes, so the cache is never
    read. The hook that fills it is replaced, for this training only, by one that does nothing."""
    from rasa.engine.graph import GraphNodeHook
    from rasa.engine.training import graph_trainer

    class NoCache(GraphNodeHook):
        def __init__(self, **_: Any) -> None:
            pass

        def on_before_node(self, *_: Any, **__: Any) -> dict:
            return {}

        def on_after_node(self, *_: Any, **__: Any) -> None:
            return None

    original = graph_trainer.TrainingHook
    graph_trainer.TrainingHook = NoCache
    try:
        yield
    finally:
        graph_trainer.TrainingHook = original


def train(settings: Settings | None = None, config: Path | None = None) -> Path:
    """Train the NLU model for the current inputs and return its path."""
    from rasa.model_training import train_nlu

    settings = settings or get_settings()
    config = (config or settings.nlu_config).resolve()
    target = model_path(settings, config)
    target.parent.mkdir(parents=True, exist_ok=True)
    log.info("training NLU model", extra={"config": str(config), "model": str(target)})
    # Rasa prints its progress to stdout; commands such as `parse --json` own stdout.
    with (
        _training_data(settings) as nlu_data,
        _in_project_root(),
        contextlib.redirect_stdout(sys.stderr),
        _without_node_cache(),
    ):
        result = train_nlu(
            config=str(config),
            nlu_data=str(nlu_data),
            output=str(target.parent),
            fixed_model_name=target.name[: -len(MODEL_SUFFIX)],
        )
    if not result or not Path(result).is_file():
        raise RuntimeError(f"Rasa did not produce a model for {config}")
    return Path(result)


def ensure_model(settings: Settings | None = None, config: Path | None = None) -> Path:
    """The current model, trained first if it is missing or its inputs changed.

    A file lock makes concurrent starters (test workers, two bot processes) train once.
    """
    from filelock import FileLock

    settings = settings or get_settings()
    target = model_path(settings, config)
    if target.is_file():
        return target
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(settings.model_dir / ".train.lock")):
        if target.is_file():
            return target
        return train(settings, config)
