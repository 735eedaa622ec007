"""Import renovate's export into PostgreSQL, against a plain COPY of its rows."""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import URL

from dora.adapters.sql_database import SqlUnitOfWork, open_engine, session_factory
from dora.domain.model import RepoPath
from dora.service_layer import ingest

from .renovate import PATH, Export, read_renovate
from .support import Clock, libpq, ms, scratch_database, sqlalchemy_url

COPY_PATH = RepoPath("renovatebot", "web", "copied")
BINARY_COPY_PATH = RepoPath("renovatebot", "web", "copied-binary")
COMMIT_COLUMNS = "repo_id, sha, parents, committed_at, authored_at"
COMMIT_TYPES = ("int4", "varchar", "text", "timestamptz", "timestamptz")
DEPLOYMENT_COLUMNS = (
    "repo_id, external_id, sha, environment, status, started_at, finished_at, baseline"
)
DEPLOYMENT_TYPES = (
    "int4",
    "varchar",
    "varchar",
    "varchar",
    "varchar",
    "timestamptz",
    "timestamptz",
    "bool",
)


async def run() -> dict[str, Any]:
    clock = Clock()
    export = read_renovate()
    read_seconds = clock.lap()
    with scratch_database() as url:
        engine = await open_engine(sqlalchemy_url(url))
        sessions = session_factory(engine)
        try:
            clock.lap()
            await ingest.import_history(
                SqlUnitOfWork(sessions), PATH, export.commits, export.deployments
            )
            import_seconds = clock.lap()
            await ingest.import_history(
                SqlUnitOfWork(sessions), PATH, export.commits, export.deployments
            )
            again_seconds = clock.lap()
            repo, _ = await ingest.put_repo(SqlUnitOfWork(sessions), COPY_PATH)
            other, _ = await ingest.put_repo(SqlUnitOfWork(sessions), BINARY_COPY_PATH)
        finally:
            await engine.dispose()
        copy_seconds = copy_rows(url, repo.id, export)
        binary_seconds = copy_rows(url, other.id, export, binary=True)
    return {
        "benchmark": "import",
        "export": "renovate",
        "commits": len(export.commits),
        "deployments": len(export.deployments),
        "read_and_check_export_ms": ms(read_seconds),
        "import_ms": ms(import_seconds),
        "import_commits_per_second": round(len(export.commits) / import_seconds),
        "import_includes": "commits, deployments and their attribution, one "
        "transaction",
        "reimport_same_export_ms": ms(again_seconds),
        "baseline_copy_ms": ms(copy_seconds),
        "baseline_copy_commits_per_second": round(len(export.commits) / copy_seconds),
        "ratio_import_to_copy": round(import_seconds / copy_seconds, 2),
        "target_ratio_at_most": 4,
        # The import writes by binary COPY; this is the same floor in that
        # format (run after the text one, into the same, larger tables).
        "baseline_binary_copy_ms": ms(binary_seconds),
        "ratio_import_to_binary_copy": round(import_seconds / binary_seconds, 2),
    }


def copy_rows(url: URL, repo_id: int, export: Export, binary: bool = False) -> float:
    """COPY the same commit and deployment rows into the same tables; time it."""
    clock = Clock()
    suffix = " (FORMAT BINARY)" if binary else ""
    with psycopg.connect(libpq(url)) as connection:
        with connection.cursor().copy(
            f"COPY commits ({COMMIT_COLUMNS}) FROM STDIN{suffix}"
        ) as copy:
            if binary:
                copy.set_types(COMMIT_TYPES)
            for c in export.commits:
                parents = " ".join(c.parents)
                copy.write_row((repo_id, c.sha, parents, c.committed_at, c.authored_at))
        with connection.cursor().copy(
            f"COPY deployments ({DEPLOYMENT_COLUMNS}) FROM STDIN{suffix}"
        ) as copy:
            if binary:
                copy.set_types(DEPLOYMENT_TYPES)
            for d in export.deployments:
                copy.write_row(
                    (
                        repo_id,
                        d.id,
                        d.sha,
                        d.environment,
                        d.status.value,
                        d.started_at,
                        d.finished_at,
                        d.baseline,
                    )
                )
        connection.commit()
    return clock.lap()
