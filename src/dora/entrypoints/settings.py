"""Settings read from the environment, checked once at start-up."""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dora.domain.errors import InvalidParameter
from dora.entrypoints.tokens import Token, tokens_from_env

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///dora.db"
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_BATCH_ITEMS = 50_000
DEFAULT_STATEMENT_TIMEOUT_MS = 30_000
DEFAULT_CONNECT_TIMEOUT_S = 5
DATABASE_SCHEMES = {
    "sqlite",
    "sqlite+aiosqlite",
    "postgresql",
    "postgresql+psycopg",
}


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_batch_items: int = DEFAULT_MAX_BATCH_ITEMS
    statement_timeout_ms: int = DEFAULT_STATEMENT_TIMEOUT_MS
    connect_timeout_s: int = DEFAULT_CONNECT_TIMEOUT_S
    tokens: tuple[Token, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            database_url=_database_url(env),
            max_body_bytes=_positive(
                env, "DORA_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES
            ),
            max_batch_items=_positive(
                env, "DORA_MAX_BATCH_ITEMS", DEFAULT_MAX_BATCH_ITEMS
            ),
            statement_timeout_ms=_positive(
                env, "DORA_STATEMENT_TIMEOUT_MS", DEFAULT_STATEMENT_TIMEOUT_MS
            ),
            connect_timeout_s=_positive(
                env, "DORA_CONNECT_TIMEOUT_S", DEFAULT_CONNECT_TIMEOUT_S
            ),
            tokens=tokens_from_env(env),
        )

    @property
    def database_kind(self) -> str:
        return self.database_url.split(":", 1)[0].split("+", 1)[0]

    @property
    def database_shown(self) -> str:
        """The database URL with its password hidden, fit for messages and logs."""
        return hide_password(self.database_url)


def hide_password(url: str) -> str:
    scheme, separator, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    user, at, host = authority.rpartition("@")
    if at and ":" in user:
        authority = f"{user.split(':', 1)[0]}:***@{host}"
    return f"{scheme}{separator}{authority}{slash}{path}"


def _database_url(env: Mapping[str, str]) -> str:
    url = env.get("DORA_DATABASE_URL") or DEFAULT_DATABASE_URL
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in DATABASE_SCHEMES:
        raise InvalidParameter(
            f"DORA_DATABASE_URL: {scheme or url!r} is not a supported database; "
            "use sqlite:///PATH or postgresql://USER@HOST/DB"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        _ = parts.port  # raises for a port that is no number or out of range
    except ValueError as error:
        raise InvalidParameter(
            f"DORA_DATABASE_URL: {hide_password(url)!r} is not a valid URL ({error})"
        ) from None
    if scheme.startswith("sqlite"):
        _check_sqlite_file(url)
    return url


def _check_sqlite_file(url: str) -> None:
    file = url.split("://", 1)[1].removeprefix("/").split("?", 1)[0]
    if file in ("", ":memory:"):
        raise InvalidParameter(
            f"DORA_DATABASE_URL: {url!r} names no file; use sqlite:///PATH"
        )
    # Checked here because a failed SQLite connect leaves a thread behind.
    folder = Path(file).parent
    if not folder.is_dir():
        raise InvalidParameter(
            f"DORA_DATABASE_URL: the folder {str(folder)!r} of the SQLite file "
            "does not exist"
        )


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name)
    if not text:
        return default
    if not text.isdigit() or int(text) == 0:
        raise InvalidParameter(f"{name}: {text!r} is not a positive whole number")
    return int(text)
