"""Settings read from the environment, checked once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from dora.domain.errors import InvalidParameter

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///dora.db"
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            database_url=env.get("DORA_DATABASE_URL") or DEFAULT_DATABASE_URL,
            max_body_bytes=_positive(
                env, "DORA_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES
            ),
        )

    @property
    def database_kind(self) -> str:
        return self.database_url.split(":", 1)[0].split("+", 1)[0]


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name)
    if not text:
        return default
    if not text.isdigit() or int(text) == 0:
        raise InvalidParameter(f"{name}: {text!r} is not a positive whole number")
    return int(text)
