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
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings, get_settings

log = logging.getLogger(__name__)

MODEL_SUFFIX = ".tar.gz"


def _inputs(settings: Settings, config: Path) -> Iterable[Path]:
    """Every file whose content changes what the trained model does."""
    yield config
    corpus = PROJECT_ROOT / "data" / "corpus"
    lexicon = PROJECT_ROOT / "data" / "lexicon"  # cue words (nlu/cues.py)
    for folder in (settings.training_data, PROJECT_ROOT / "data" / "jieba", corpus, lexicon):
        if folder.is_dir():
            yield from sorted(p for p in folder.rglob("*") if p.is_file())
    yield from feedback_files(settings)
    yield PROJECT_ROOT / "data" / "sections.yml"
    yield PROJECT_ROOT / "data" / "units.yml"  # measure words the number reader knows
    yield from sorted((PROJECT_ROOT / "nlu").glob("*.py"))


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
    """A short hash of the model's inputs (paths relative to the project, and contents)."""
    settings = settings or get_settings()
    config = config or settings.nlu_config
    digest = hashlib.sha256()
    for path in _inputs(settings, config):
        if not path.is_file():
            continue
        try:
            name = str(path.resolve().relative_to(PROJECT_ROOT))
        except ValueError:
            name = path.name
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
    os.chdir(PROJECT_ROOT)
    try:
        yield
    finally:
        os.chdir(previous)


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
