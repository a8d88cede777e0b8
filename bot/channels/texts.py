"""The user-facing texts of `taizhang run` and the WeChat channel (data/replies_run.yml).

Here, below both, so that the channel does not import bot.run, which starts it."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from taizhang.resources import data_file

TEXTS_PATH = data_file("replies_run.yml")


@lru_cache(maxsize=4)
def load_run_texts(path: Path = TEXTS_PATH) -> Mapping[str, str]:
    """The texts, keyed as in the YAML file."""
    import yaml

    with Path(path).open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return {str(k): str(v).strip() for k, v in data.items()}
