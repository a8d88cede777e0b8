"""The bot: channels, storage, dispatcher, reports, scheduler and the command line."""

import nlu  # noqa: F401  (first, so the memory settings of nlu/__init__.py apply everywhere)
