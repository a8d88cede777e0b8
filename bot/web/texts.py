"""The dashboard's own words outside the templates (errors, headers), from data/web/texts.yml."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from taizhang.resources import data_file

TEXTS_FILE = data_file("web", "texts.yml")


@lru_cache(maxsize=1)
def _texts() -> dict[str, Any]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def text(key: str, **values: Any) -> str:
    return str(_texts()["messages"][key]).format(**values)


def months() -> list[str]:
    return list(_texts()["months"])
