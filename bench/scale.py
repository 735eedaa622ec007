"""An org of 1,000 repos: load time, then org-wide metrics cold and warm.

The metrics run in a process of their own (`bench.scale_metrics`), so its
peak resident memory is that of the computation alone, as in a server.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import timedelta
from typing import Any

from dora.adapters.sql_database import SqlUnitOfWork, open_engine, session_factory
from dora.service_layer import ingest

from .org_generator import END, OrgShape, repos
from .support import CHECKOUT, Clock, scratch_database, sqlalchemy_url


def options(parser: argparse.ArgumentParser) -> None:
    default = OrgShape()
    parser.add_argument("--repos", type=int, default=default.repos)
    parser.add_argument("--commits", type=int, default=default.commits)
    parser.add_argument("--deployments", type=int, default=default.deployments)
    parser.add_argument("--seed", type=int, default=default.seed)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    shape = OrgShape(args.repos, args.commits, args.deployments, seed=args.seed)
    end = END.date()
    start = end - timedelta(days=364)
    with scratch_database() as url:
        load_s = await _load(sqlalchemy_url(url), shape)
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
        "load_s": round(load_s, 1),
        "load_commits_per_s": round(shape.commits / load_s),
        "load_path": "ingest.import_history per repo (COPY on PostgreSQL), "
        "attribution computed within each import",
        "window": f"org {shape.org}, {start}..{end}, week granularity",
        **figures,
        "target": "cold < 5 s, peak RSS < 1 GiB",
    }


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
