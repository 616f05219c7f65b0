"""Strict reading of the environment for the settings modules.

django-environ does the parsing (URLs for databases and caches, lists, integers).
This module adds what a deployment needs on top: a malformed value such as
``DJANGO_DEBUG=maybe`` is refused instead of silently read as False, and every
problem is reported as one line that names the variable.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A missing or malformed environment variable."""


class StrictEnv:
    def __init__(self) -> None:
        self._env = environ.Env()

    def _raw(self, name: str) -> str | None:
        return self._env.str(name, default=None)

    def str(self, name: str, default: str | None = None, *, required: bool = False) -> str:
        value = self._raw(name)
        if value is None or (required and value == ""):
            if required:
                raise ConfigError(f"{name} is required but not set")
            return default  # type: ignore[return-value]
        return value

    def bool(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigError(
            f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {value!r}"
        )

    def int(self, name: str, default: int) -> int:
        value = self._raw(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise ConfigError(f"{name} must be an integer, got {value!r}") from None

    def list(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None:
            return default
        return [item.strip() for item in value.split(",") if item.strip()]

    def db(self, name: str, default: str | None = None) -> dict[str, Any]:
        value = self.str(name, default)
        if not value:
            raise ConfigError(
                f"{name} is not set: use `make run` / `make test` (they start an embedded "
                "PostgreSQL) or set it, e.g. postgresql://user:password@host:5432/hubportal"
            )
        if not value.startswith(("postgres://", "postgresql://", "postgis://")):
            raise ConfigError(
                f"{name} must be a PostgreSQL URL (postgresql://...), got scheme "
                f"{value.split(':', 1)[0]!r}; hubportal runs on PostgreSQL only"
            )
        try:
            return environ.Env.db_url_config(value)
        except Exception as exc:  # django-environ raises several types for bad URLs
            raise ConfigError(f"{name} is not a valid database URL: {exc}") from None

    def redis_url(self, name: str, default: str | None = None) -> str:
        value = self.str(name, default)
        if not value:
            raise ConfigError(
                f"{name} is not set: use `make run` / `make test` (they start an embedded Redis) "
                "or set it, e.g. redis://localhost:6379/0"
            )
        if not value.startswith(("redis://", "rediss://", "redis+socket://", "unix://")):
            raise ConfigError(f"{name} must be a redis:// URL, got {value!r}")
        return value

    def email(self, name: str, default: str) -> dict[str, Any]:
        value = self.str(name, default)
        try:
            return environ.Env.email_url_config(value)
        except Exception as exc:
            raise ConfigError(f"{name} is not a valid email URL: {exc}") from None


def fail(error: ConfigError) -> None:
    """Stop start-up with one clear line naming the variable."""
    sys.stderr.write(f"hubportal: configuration error: {error}\n")
    raise SystemExit(2)
