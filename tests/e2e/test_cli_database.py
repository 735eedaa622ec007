"""A database the command line cannot use: one error line that names it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .dora_process import DORA, free_port

METRICS = ("metrics", "--scope", "repo", "--id", "acme/web/api")
WINDOW = ("--from", "2024-01-01", "--to", "2024-01-31")


def dora_on(
    database_url: str, *args: str, log_level: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `dora` as a user would, at the default log level unless one is given."""
    env = {**os.environ, "DORA_DATABASE_URL": database_url}
    env.pop("DORA_LOG_LEVEL", None)
    if log_level:
        env["DORA_LOG_LEVEL"] = log_level
    return subprocess.run(
        [DORA, *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_an_unreachable_postgresql_is_one_line_naming_it_without_password() -> None:
    port = free_port()
    url = f"postgresql+psycopg://dora:s3cret@127.0.0.1:{port}/metrics"

    result = dora_on(url, *METRICS, *WINDOW)

    assert result.returncode == 1
    assert result.stderr == (
        "dora: error: database: postgresql cannot be reached "
        f"(postgresql+psycopg://dora:***@127.0.0.1:{port}/metrics)\n"
    )


def test_an_sqlite_file_in_a_missing_folder_is_invalid_input(tmp_path: Path) -> None:
    folder = tmp_path / "missing"

    result = dora_on(f"sqlite:///{folder / 'dora.db'}", *METRICS, *WINDOW)

    assert result.returncode == 2
    assert result.stderr == (
        f"dora: error: DORA_DATABASE_URL: the folder {str(folder)!r} "
        "of the SQLite file does not exist\n"
    )


def test_the_database_log_record_is_shown_when_asked_for() -> None:
    url = f"postgresql+psycopg://dora@127.0.0.1:{free_port()}/metrics"

    result = dora_on(url, *METRICS, *WINDOW, log_level="WARNING")

    assert "WARNING dora.adapters.sql_faults" in result.stderr
    assert result.stderr.endswith(f"cannot be reached ({url})\n")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "postgresql://dora:s3cret@db:port/metrics",
            "'postgresql://dora:***@db:port/metrics' is not a valid URL",
        ),
        ("sqlite:///", "'sqlite:///' names no file; use sqlite:///PATH"),
        ("sqlite+aiosqlite:///:memory:", "'sqlite+aiosqlite:///:memory:' names no"),
    ],
)
def test_a_database_url_that_cannot_work_is_invalid_input(
    url: str, message: str
) -> None:
    result = dora_on(url, *METRICS, *WINDOW)

    assert result.returncode == 2
    assert result.stderr.startswith(f"dora: error: DORA_DATABASE_URL: {message}")
    assert result.stderr.count("\n") == 1
    assert "s3cret" not in result.stderr
