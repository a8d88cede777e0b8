"""One settings object for the whole bot: environment variables prefixed TAIZHANG_.

It depends on nothing of ours but taizhang.resources, so every layer (nlu included) may
import it.

Rasa's own configuration stays in config.yml; everything else is read here so that
every command (console, replay, report, tests) sees the same values.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseSettings, Field, SecretStr

from taizhang.resources import ROOT, SOURCE_CHECKOUT

# Where config.yml and data/ are: the source tree, or the installed package's files.
PROJECT_ROOT = ROOT


def _default_data_dir() -> Path:
    """Keep the ledger outside the source tree (XDG style), so a fresh clone never holds data."""
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "taizhang"


def _default_model_dir() -> Path:
    """models/ in a source checkout; an installed package is read-only, so the data dir."""
    return ROOT / "models" if SOURCE_CHECKOUT else _default_data_dir() / "models"


class Settings(BaseSettings):
    """Runtime configuration; override any field with TAIZHANG_<FIELD> (upper case)."""

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None  # default: SQLite file in data_dir
    model_dir: Path = Field(default_factory=_default_model_dir)
    nlu_config: Path = PROJECT_ROOT / "config.yml"
    training_data: Path = PROJECT_ROOT / "data" / "nlu"
    timezone: str = "Asia/Shanghai"
    confidence_threshold: float = 0.6
    # A work fact the model is less sure of than this is asked about before it is logged
    # ("是记为…吗？"); the sender's "是" within question_window_minutes logs it.
    fact_confidence_threshold: float = 0.5
    question_window_minutes: int = 60
    correction_window_minutes: int = 24 * 60
    # A bare follow-up ("又排查了6处") takes its topic from the sender's last logged message in
    # the same room sent at most this long before (actions/follow_up.py) ...
    follow_up_window_minutes: int = 120
    # ... in place of the parser's section for a fact it is less sure of than this. A follow-up
    # names no work of its own (one that does keeps its reading), so by default the topic wins
    # over any reading of its bare verb and unit ("又排查了6处" after 排查矛盾纠纷 is not 隐患).
    follow_up_section_confidence: float = 1.0
    bot_name: str = "法治台账"
    log_level: str = "INFO"
    # The scheduler (bot/scheduler): defaults for every town; `taizhang schedule` overrides
    # them per town in the database.
    scheduler_enabled: bool = True
    reminder_day: str = "mon"  # coverage reminder: weekday (mon..sun), skipped on days off
    reminder_time: str = "09:00"
    reminder_quarter_grace_days: int = 14  # no "nothing this quarter" in a quarter's first days
    digest_time: str = "09:00"  # monthly digest: the first workday of each month
    draft_compiled_date: str = "12-15"  # year-end draft of the current year (MM-DD)
    draft_final_date: str = "01-05"  # the previous year's draft with the final figures
    draft_time: str = "09:00"
    scheduler_misfire_grace_seconds: int = 6 * 3600  # a bot back the same morning still sends
    scheduler_leader_retry_seconds: float = 30.0  # a standby process retries the leader lock
    # The dashboard (`taizhang web`, bot/web): local by default; a reverse proxy may expose it.
    web_host: str = "127.0.0.1"
    web_port: int = 8642
    # Signs the login cookie; unset, a random one is kept in <data_dir>/web-secret (mode 600).
    web_secret: SecretStr | None = None
    web_session_hours: int = 12
    # Guessing passwords: after this many failed logins of one account from one address, that
    # pair waits web_login_lockout_minutes (counted in the serving process).
    web_login_attempts: int = 5
    web_login_lockout_minutes: int = 15
    county_name: str | None = None  # the county page's title (default: data/report/county.yml)

    class Config:
        env_prefix = "TAIZHANG_"

    @property
    def effective_database_url(self) -> str:
        """The configured database, or an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'taizhang.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own Settings instead)."""
    return Settings()
