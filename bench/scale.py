"""An org of 1,000 repos: load time, then org-wide metrics cold and warm.

The metrics run in a process of their own (`bench.scale_metrics`), so its
peak resident memory is that of the computation alone, as in a server.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import URL

from dora.adapters.sql_database import SqlUnitOfWork, open_engine, session_factory
from dora.service_layer import ingest

from .org_generator import END, OrgShape, repos
from .support import (
    CHECKOUT,
    Clock,
    kept_database,
    scratch_database,
    sqlalchemy_url,
)


def options(parser: argparse.ArgumentParser) -> None:
    default = OrgShape()
    parser.add_argument("--repos", type=int, default=default.repos)
    parser.add_argument("--commits", type=int, default=default.commits)
    parser.add_argument("--deployments", type=int, default=default.deployments)
    parser.add_argument("--seed", type=int, default=default.seed)
    parser.add_argument(
        "--keep",
        metavar="DATABASE",
        help="load into this database and keep it; reuse it when it exists",
    )


async def run(args: argparse.Namespace) -> dict[str, Any]:
    shape = OrgShape(args.repos, args.commits, args.deployments, seed=args.seed)
    end = END.date()
    start = end - timedelta(days=364)
    with _database(args.keep) as (url, loaded):
        load_s = None if loaded else await _load(sqlalchemy_url(url), shape)
        figures = _metrics(sqlalchemy_url(url), shape.org, start, end)
    return {
        "benchmark": "scale",
        "shape": {
            "repos": shape.repos,
            "commits": shape.commits,
            "deployments": shape.deployments,
            "years": shape.years,
            "seed": shape.seed,
        },
        "load_s": None if load_s is None else round(load_s, 1),
        "load_commits_per_s": None if load_s is None else round(shape.commits / load_s),
        "load_path": "ingest.import_history per repo (COPY on PostgreSQL), "
        "attribution computed within each import",
        "window": f"org {shape.org}, {start}..{end}, week granularity",
        **figures,
        "target": "cold < 5 s, peak RSS < 1 GiB",
    }


@contextmanager
def _database(kept: str | None) -> Iterator[tuple[URL, bool]]:
    """A scratch database, or the kept one and whether it was loaded before.

    A kept database is trusted to hold the shape asked for: its name is the
    caller's note of what it holds.
    """
    if kept is not None:
        with kept_database(kept) as found:
            yield found
        return
    with scratch_database() as url:
        yield url, False


async def _load(url: str, shape: OrgShape) -> float:
    engine = await open_engine(url)
    sessions = session_factory(engine)
    clock = Clock()
    try:
        for history in repos(shape):
            await ingest.import_history(
                SqlUnitOfWork(sessions),
                history.path,
                history.commits,
                history.deployments,
            )
        return clock.lap()
    finally:
        await engine.dispose()


def _metrics(url: str, org: str, start: object, end: object) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.scale_metrics", url, org]
    command += [str(start), str(end)]
    done = subprocess.run(
        command, cwd=CHECKOUT, capture_output=True, text=True, check=True, timeout=3600
    )
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures
