"""An import killed during its load leaves nothing; run again, it completes.

The import is one transaction: SIGKILL in the middle of storing must leave
the database as it was, and the next run must end exactly where an
uninterrupted import ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.row_counts import row_counts

from .dora_process import DORA, dora

REPO = "acme/big/history"
COMMITS = 15_000
TABLES = ("repos", "commits", "deployments")


def write_export(directory: Path) -> Path:
    directory.mkdir()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    lines = ["sha,parents,authored_at,committed_at"]
    for number in range(COMMITS):
        at = (start + timedelta(minutes=number)).isoformat()
        parent = f"{number - 1:040x}" if number else ""
        lines.append(f"{number:040x},{parent},{at},{at}")
    (directory / "commits.csv").write_text("\n".join(lines) + "\n")
    deployments = ["id,sha,environment,status,finished_at"]
    for number in range(99, COMMITS, 100):
        at = (start + timedelta(minutes=number + 30)).isoformat()
        deployments.append(f"d{number},{number:040x},production,success,{at}")
    (directory / "deployments.csv").write_text("\n".join(deployments) + "\n")
    return directory


@contextmanager
def loading_probe(url: str) -> Iterator[Callable[[], bool]]:
    """Yield a check that the import has begun writing its rows."""
    address = make_url(url)
    if address.get_backend_name() == "sqlite":
        wal = Path(str(address.database) + "-wal")
        before = wal.stat().st_size if wal.exists() else 0
        yield lambda: wal.exists() and wal.stat().st_size > before + 256 * 1024
        return
    engine = create_engine(address)
    query = text(
        "SELECT count(*) FROM pg_locks JOIN pg_class ON pg_class.oid = relation "
        "WHERE relname = 'commits' AND mode = 'RowExclusiveLock' "
        "AND pid <> pg_backend_pid()"
    )

    def writing() -> bool:
        with engine.connect() as connection:
            return bool(connection.execute(query).one()[0])

    try:
        yield writing
    finally:
        engine.dispose()


def import_killed_while_loading(export: Path, url: str, cwd: Path) -> None:
    env = {**os.environ, "DORA_DATABASE_URL": url}
    with (
        loading_probe(url) as writing,
        subprocess.Popen(
            [DORA, "import", str(export), "--repo", REPO],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ) as importer,
    ):
        deadline = time.monotonic() + 120
        while not writing():
            assert importer.poll() is None, "the import ended before it was killed"
            assert time.monotonic() < deadline, "the import never began to load"
            time.sleep(0.005)
        importer.send_signal(signal.SIGKILL)
    assert importer.returncode == -signal.SIGKILL


@pytest.fixture
def serial_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest):
    from tests import postgres

    if database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'serial.db'}"
        return
    with postgres.scratch_database(request.getfixturevalue("postgres_server")) as url:
        yield url.render_as_string(hide_password=False)


def test_an_import_killed_while_loading_leaves_nothing_and_reruns_whole(
    database_url: str, serial_url: str, tmp_path: Path
):
    export = write_export(tmp_path / "export")
    small = write_export_once(tmp_path)
    # Migrate first, so that what the kill interrupts is the load itself.
    assert (
        dora(
            "import",
            str(small),
            "--repo",
            "acme/small/x",
            cwd=tmp_path,
            database_url=database_url,
        ).returncode
        == 0
    )
    before = row_counts(database_url, TABLES)

    import_killed_while_loading(export, database_url, tmp_path)
    after_kill = wait_for_rollback(database_url, before)
    rerun = dora(
        "import", str(export), "--repo", REPO, cwd=tmp_path, database_url=database_url
    )
    for args in (
        ("import", str(small), "--repo", "acme/small/x"),
        ("import", str(export), "--repo", REPO),
    ):
        assert dora(*args, cwd=tmp_path, database_url=serial_url).returncode == 0

    assert after_kill == before
    assert rerun.returncode == 0, rerun.stderr
    assert row_counts(database_url, TABLES) == row_counts(serial_url, TABLES)
    assert metrics(database_url, tmp_path) == metrics(serial_url, tmp_path)


def write_export_once(tmp_path: Path) -> Path:
    small = tmp_path / "small"
    small.mkdir()
    (small / "commits.csv").write_text(
        "sha,parents,authored_at,committed_at\n"
        f"{'a' * 40},,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z\n"
    )
    (small / "deployments.csv").write_text("id,sha,environment,status,finished_at\n")
    return small


def wait_for_rollback(url: str, before: dict[str, int]) -> dict[str, int]:
    """Wait for the server to notice the killed client and roll it back."""
    deadline = time.monotonic() + 10
    found = row_counts(url, TABLES)
    while found != before and time.monotonic() < deadline:
        time.sleep(0.1)
        found = row_counts(url, TABLES)
    return found


def metrics(url: str, cwd: Path) -> dict[str, object]:
    import json

    answer = dora(
        "metrics",
        "--scope",
        "org",
        "--id",
        "acme",
        "--from",
        "2024-01-01",
        "--to",
        "2024-02-29",
        "--format",
        "json",
        "--recompute",
        cwd=cwd,
        database_url=url,
    )
    assert answer.returncode == 0, answer.stderr
    figures = json.loads(answer.stdout)
    figures.pop("computed_at")
    return dict(figures)
