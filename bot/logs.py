"""Structured (JSON lines) logging for every command; secrets never reach a log line."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from datetime import datetime, timezone

# TensorFlow (imported by Rasa's components) reads this once, at import: set it before.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_SECRET_KEYS = re.compile(r"token|secret|password|passwd", re.IGNORECASE)
# Libraries that are chatty at INFO and say nothing a township admin needs.
_QUIET = ("rasa", "tensorflow", "absl", "jieba", "apscheduler", "urllib3", "asyncio", "alembic")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_"):
                continue
            payload[key] = "***" if _SECRET_KEYS.search(key) else value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send structured logs to stderr, keeping stdout for command output (JSON, tables).

    Library deprecation warnings (pkg_resources, SQLAlchemy 2.0 notices inside Rasa) are
    meant for those libraries' developers, not for a township admin, so they are dropped.
    """
    import warnings

    import jieba

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    # Imported libraries re-add their own "once" filters; route what still fires into
    # logging, where py.warnings is kept at ERROR.
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").setLevel(logging.ERROR)
    jieba.setLogLevel(logging.WARNING)  # jieba sets DEBUG on its own logger at import
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
