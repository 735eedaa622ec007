"""Org-wide metrics in a process of their own: cold, warm, and peak memory.

`python -m bench.scale_metrics URL ORG FROM TO` prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import sys
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from dora.adapters.sql_database import SqlUnitOfWork, open_engine, session_factory
from dora.service_layer.metrics import dora_metrics, stored_answer
from dora.service_layer.queries import MetricsQuery

from .support import Clock, ms

WARM_REPEATS = 20
# What the cold figures cannot do without: the window's rows of every repo.
ROWS = (
    "SELECT finished_at, committed_at FROM shipped_changes "
    "WHERE repo_id = ANY(:ids) AND environment = 'production' AND counted "
    "AND finished_at >= :start AND finished_at < :end",
    "SELECT finished_at, sha FROM deployments "
    "WHERE repo_id = ANY(:ids) AND environment = 'production' "
    "AND finished_at >= :start AND finished_at < :end",
)


async def measure(url: str, org: str, start: str, end: str) -> dict[str, Any]:
    query = MetricsQuery.parse(
        {"scope": "org", "id": org, "from": start, "to": end, "granularity": "week"}
    )
    engine = await open_engine(url)
    sessions = session_factory(engine)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM dora_snapshots"))
        before = peak_rss_mib()
        clock = Clock()
        answer = await dora_metrics(SqlUnitOfWork(sessions), query)
        cold = clock.lap()
        warm = []
        for _ in range(WARM_REPEATS):
            await dora_metrics(SqlUnitOfWork(sessions), query)
            warm.append(clock.lap())
        served = []
        for _ in range(WARM_REPEATS):
            assert await stored_answer(SqlUnitOfWork(sessions), query) is not None
            served.append(clock.lap())
        read = await read_rows(engine, org, query)
    finally:
        await engine.dispose()
    return {
        "deployments_in_window": answer["deployment_frequency"],
        "changes_in_window": answer["changes"],
        "cold_s": round(cold, 2),
        "baseline_read_rows_s": round(read, 2),
        "ratio_cold_to_read": round(cold / read, 1),
        "warm_dora_metrics_ms_median": ms(statistics.median(warm)),
        "warm_stored_answer_ms_median": ms(statistics.median(served)),
        "peak_rss_mib_before_metrics": before,
        "peak_rss_mib": peak_rss_mib(),
    }


async def read_rows(engine: AsyncEngine, org: str, query: MetricsQuery) -> float:
    start, end = query.window.bounds()
    clock = Clock()
    async with engine.connect() as connection:
        ids = list(
            await connection.scalars(
                text(
                    "SELECT repos.id FROM repos JOIN projects ON "
                    "projects.id = repos.project_id JOIN orgs ON "
                    "orgs.id = projects.org_id WHERE orgs.slug = :org"
                ),
                {"org": org},
            )
        )
        for statement in ROWS:
            bounds = {"ids": ids, "start": start, "end": end}
            (await connection.execute(text(statement), bounds)).all()
    return clock.lap()


def peak_rss_mib() -> float:
    # Linux reports the high-water mark of the resident set in KiB.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


if __name__ == "__main__":
    url, org, start, end = sys.argv[1:5]
    json.dump(asyncio.run(measure(url, org, start, end)), sys.stdout)
