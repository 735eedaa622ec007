"""One new commit and deployment on top of renovate's history, then a read."""

from __future__ import annotations

import statistics
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from dora.adapters.sql_database import SqlUnitOfWork, open_engine, session_factory
from dora.domain.model import Commit, Deployment, Status
from dora.service_layer import ingest
from dora.service_layer.metrics import dora_metrics
from dora.service_layer.queries import MetricsQuery

from .renovate import PATH, read_renovate
from .support import Clock, ms, scratch_database, sqlalchemy_url

ROUNDS = 10


async def run() -> dict[str, Any]:
    export = read_renovate()
    last = max(
        (d for d in export.deployments if d.finished_at), key=lambda d: d.finished_at
    )
    assert last.finished_at is not None
    with scratch_database() as url:
        engine = await open_engine(sqlalchemy_url(url))
        statements = _count_statements(engine)
        sessions = session_factory(engine)
        try:
            await ingest.import_history(
                SqlUnitOfWork(sessions), PATH, export.commits, export.deployments
            )
            month = _query(
                last.finished_at.date() - timedelta(days=29), last.finished_at.date()
            )
            whole = _query(
                min(d.finished_at for d in export.deployments if d.finished_at).date(),
                last.finished_at.date() + timedelta(days=ROUNDS),
            )
            await dora_metrics(SqlUnitOfWork(sessions), month)
            await dora_metrics(SqlUnitOfWork(sessions), whole)
            laps: dict[str, list[float]] = {
                "commit": [],
                "deployment": [],
                "read_30_days": [],
                "read_whole_history": [],
            }
            counts: list[int] = []
            parent = last.sha
            for index in range(ROUNDS):
                at = last.finished_at + timedelta(hours=index + 1)
                commit = Commit(
                    f"{index:040x}", (parent,), at - timedelta(minutes=30), at
                )
                deployment = Deployment(
                    f"bench-{index}", commit.sha, "production", Status.SUCCESS, at
                )
                clock = Clock()
                await ingest.add_commits(SqlUnitOfWork(sessions), PATH, [commit])
                laps["commit"].append(clock.lap())
                await ingest.record_deployment(
                    SqlUnitOfWork(sessions), PATH, deployment
                )
                laps["deployment"].append(clock.lap())
                month = _query(at.date() - timedelta(days=29), at.date())
                before = statements[0]
                await dora_metrics(SqlUnitOfWork(sessions), month)
                laps["read_30_days"].append(clock.lap())
                counts.append(statements[0] - before)
                parent = commit.sha
            # The whole history once: its failure figures dominate its time.
            clock = Clock()
            await dora_metrics(SqlUnitOfWork(sessions), whole)
            laps["read_whole_history"].append(clock.lap())
        finally:
            await engine.dispose()
    medians = {name: statistics.median(values) for name, values in laps.items()}
    total = medians["commit"] + medians["deployment"] + medians["read_30_days"]
    return {
        "benchmark": "incremental",
        "rounds": ROUNDS,
        **{f"{name}_ms_median": ms(value) for name, value in medians.items()},
        "commit_deployment_and_30_day_read_ms_median": ms(total),
        # Besides BEGIN, COMMIT and the pool's pre-ping, which the driver sends.
        "statements_per_30_day_read_median": statistics.median(counts),
        "target_ms_at_most": 50,
    }


def _count_statements(engine: AsyncEngine) -> list[int]:
    """Count the statements the engine executes, in a one-item list."""
    count = [0]

    def executed(*_: object) -> None:
        count[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", executed)
    return count


def _query(start: object, end: object) -> MetricsQuery:
    return MetricsQuery.parse(
        {"scope": "repo", "id": str(PATH), "from": str(start), "to": str(end)}
    )
