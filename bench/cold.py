"""Metrics of renovate's whole history with no snapshot, against reading its rows."""

from __future__ import annotations

import statistics
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dora.adapters.sql_database import SqlUnitOfWork, open_engine, session_factory
from dora.service_layer import ingest
from dora.service_layer.metrics import dora_metrics
from dora.service_layer.queries import MetricsQuery

from .renovate import PATH, read_renovate
from .support import Clock, ms, scratch_database, sqlalchemy_url

REPEATS = 5
ROWS = {
    "changes": "SELECT finished_at, committed_at FROM shipped_changes "
    "WHERE repo_id = :repo AND environment = 'production' AND counted "
    "AND finished_at >= :start AND finished_at < :end",
    "deployments": "SELECT finished_at, sha FROM deployments "
    "WHERE repo_id = :repo AND environment = 'production' AND status = 'success' "
    "AND NOT baseline AND finished_at >= :start AND finished_at < :end",
}


def whole_history(export_days: tuple[str, str]) -> MetricsQuery:
    start, end = export_days
    return MetricsQuery.parse(
        {"scope": "repo", "id": str(PATH), "from": start, "to": end}
    )


async def run() -> dict[str, Any]:
    export = read_renovate()
    finished = [d.finished_at for d in export.deployments if d.finished_at]
    query = whole_history(
        (min(finished).date().isoformat(), max(finished).date().isoformat())
    )
    with scratch_database() as url:
        engine = await open_engine(sqlalchemy_url(url))
        sessions = session_factory(engine)
        try:
            await ingest.import_history(
                SqlUnitOfWork(sessions), PATH, export.commits, export.deployments
            )
            cold = [await _cold(engine, sessions, query) for _ in range(REPEATS)]
            reattributed = await _from_scratch(engine, sessions, query)
            answer = await dora_metrics(SqlUnitOfWork(sessions), query)
            baseline = [await _read_rows(sessions, query) for _ in range(REPEATS)]
        finally:
            await engine.dispose()
    return {
        "benchmark": "cold",
        "window": f"{query.window.start}..{query.window.end} (whole history)",
        "deployments": answer["deployment_frequency"],
        "changes": answer["changes"],
        "cold_metrics_ms_median": ms(statistics.median(cold)),
        "cold_metrics_ms_best": ms(min(cold)),
        "cold_metrics_with_attribution_from_scratch_ms": ms(reattributed),
        "baseline_read_rows_ms_median": ms(statistics.median(baseline)),
        "ratio_cold_to_read": round(
            statistics.median(cold) / statistics.median(baseline), 2
        ),
        "target_ms_at_most": 1000,
    }


async def _cold(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], query: MetricsQuery
) -> float:
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM dora_snapshots"))
    clock = Clock()
    await dora_metrics(SqlUnitOfWork(sessions), query)
    return clock.lap()


async def _from_scratch(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], query: MetricsQuery
) -> float:
    """Forget every chain's attribution, so the read must walk all of it."""
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM dora_snapshots"))
        await connection.execute(
            text(
                "UPDATE attribution_chains "
                "SET attributed_at = NULL, attributed_seq = NULL"
            )
        )
        await connection.execute(text("UPDATE repos SET attributed_version = NULL"))
    clock = Clock()
    await dora_metrics(SqlUnitOfWork(sessions), query)
    return clock.lap()


async def _read_rows(
    sessions: async_sessionmaker[AsyncSession], query: MetricsQuery
) -> float:
    start, end = query.window.bounds()
    clock = Clock()
    async with sessions() as session:
        repo = await session.scalar(
            text("SELECT id FROM repos WHERE slug = 'renovate'")
        )
        for statement in ROWS.values():
            result = await session.execute(
                text(statement), {"repo": repo, "start": start, "end": end}
            )
            result.all()
    return clock.lap()
