"""Run the `dora` command line in-process, on memory or on an SQL database."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from dependency_injector import providers

from dora.adapters.memory import MemoryDatabase, MemoryUnitOfWork
from dora.container import Container
from dora.entrypoints.cli import main
from dora.entrypoints.cli_support import CliState
from dora.entrypoints.settings import Settings

Dora = Callable[..., Result]

REPO = "acme/web/api"
WINDOW = ("--from", "2024-01-01", "--to", "2024-01-31")

COMMIT_HEADER = "sha,parents,authored_at,committed_at"
DEPLOYMENT_HEADER = "id,sha,environment,status,finished_at,started_at,baseline"


def sha(number: int) -> str:
    return f"{number:040x}"


def memory_container(database: MemoryDatabase) -> Container:
    """A container whose ports are served by `database`, as in the REST tests."""
    container = Container(settings=Settings())
    container.engine.override(providers.Object(None))
    container.uow.override(providers.Factory(MemoryUnitOfWork, database))
    return container


def memory_dora(database: MemoryDatabase) -> Dora:
    """Return `dora(*args)`, which runs the command line on `database`."""
    state = CliState(Settings(), lambda _settings: memory_container(database))
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(arg) for arg in args], obj=state)


def sql_dora(database_url: str) -> Dora:
    """Return `dora(*args)`, which runs the command line as a user would."""
    runner = CliRunner()
    env = {"DORA_DATABASE_URL": database_url}
    return lambda *args: runner.invoke(main, [str(arg) for arg in args], env=env)


def write_export(
    folder: Path,
    commits: list[str],
    deployments: list[str],
    gzipped: bool = False,
    deployment_header: str = DEPLOYMENT_HEADER,
) -> Path:
    """Write an export of the given CSV lines (headers added) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "commits.csv": [COMMIT_HEADER, *commits],
        "deployments.csv": [deployment_header, *deployments],
    }
    for name, lines in files.items():
        text = "\n".join(lines) + "\n"
        if gzipped:
            (folder / f"{name}.gz").write_bytes(gzip.compress(text.encode()))
        else:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def three_commit_export(folder: Path, gzipped: bool = False) -> Path:
    """A chain of three commits: a baseline, then two counted deployments."""
    commits = [
        f"{sha(1)},,2024-01-01T10:00:00Z,2024-01-01T10:00:00Z",
        f"{sha(2)},{sha(1)},2024-01-02T08:00:00Z,2024-01-02T10:00:00Z",
        f"{sha(3)},{sha(2)},,2024-01-03T12:00:00+02:00",
    ]
    deployments = [
        f"base,{sha(1)},production,success,2024-01-01T12:00:00Z,,true",
        f"d1,{sha(2)},production,success,2024-01-02T12:00:00Z,,",
        f"d2,{sha(3)},production,success,2024-01-04T10:00:00Z,2024-01-04T09:00:00Z,0",
    ]
    return write_export(folder, commits, deployments, gzipped)


def metrics_json(dora: Dora, *options: str) -> dict[str, Any]:
    """Run `dora metrics` on REPO over WINDOW and return its JSON answer."""
    result = dora("metrics", "--scope", "repo", "--id", REPO, *WINDOW, *options)
    assert result.exit_code == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer
