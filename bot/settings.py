"""Kept so `from bot.settings import ...` still works; the settings live in taizhang.settings."""

from taizhang.settings import PROJECT_ROOT, Settings, get_settings

__all__ = ["PROJECT_ROOT", "Settings", "get_settings"]
