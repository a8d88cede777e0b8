"""Where the shipped files are: data/, config.yml, alembic.ini and migrations/.

A built wheel carries them as package data of `taizhang.files` (see pyproject.toml), so an
installed bot finds them through importlib.resources; a source checkout (an editable
install) has them at the top of the tree, beside this package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _root() -> tuple[Path, bool]:
    package = Path(str(files("taizhang")))
    shipped = package / "files"
    if (shipped / "config.yml").is_file():
        return shipped, False
    return package.parent, True


ROOT, SOURCE_CHECKOUT = _root()
DATA = ROOT / "data"


def data_file(*parts: str) -> Path:
    """A file under data/, e.g. data_file("replies.yml")."""
    return DATA.joinpath(*parts)
