"""Gather the failure evidence of a window and sum it up over a scope's repos."""

from __future__ import annotations

from datetime import datetime

from dora.domain.failures import BLAME_SPAN, Evidence, Outcome, judge
from dora.domain.reliability import ReliabilityFigures, measure_reliability
from dora.ports.repositories import TimeRange, UnitOfWork
from dora.service_layer.queries import MetricsQuery
from dora.service_layer.rollbacks import rollbacks


async def reliability(
    uow: UnitOfWork, query: MetricsQuery, repo_ids: list[int]
) -> tuple[ReliabilityFigures, list[Outcome]]:
    """Return the failure figures of the query's window over these repos.

    The outcomes come along, as the deployment days of the levels need them.
    Expects the repos' attribution to be current.
    """
    start, end = query.window.bounds()
    outcomes: list[Outcome] = []
    attempts: list[datetime] = []
    for repo_id in repo_ids:
        outcomes += await outcomes_of(uow, repo_id, query.environment, start, end)
        attempts += await uow.failures.failed_attempts(
            repo_id, query.environment, TimeRange(start, end)
        )
    figures = measure_reliability(query.window, query.granularity, outcomes, attempts)
    return figures, outcomes


async def outcomes_of(
    uow: UnitOfWork, repo_id: int, environment: str, start: datetime, end: datetime
) -> list[Outcome]:
    """Judge the counted deployments of one repo finished in [start, end)."""
    # An unlinked incident a day after the window may still blame its last
    # deployment, so the segment reaches that far.
    reach = TimeRange(start, end + BLAME_SPAN)
    segment = await uow.failures.chain_around(repo_id, environment, reach)
    judged = [
        d.id
        for d in segment
        if d.counted and d.finished_at is not None and start <= d.finished_at < end
    ]
    if not judged:
        return []
    named = [d.remediates for d in segment if d.remediates is not None]
    evidence = Evidence(
        segment=segment,
        rollbacks=await rollbacks(uow.failures, repo_id, segment),
        remediations=await uow.failures.naming(repo_id, judged),
        remediated={d.id: d for d in await uow.failures.by_ids(repo_id, named)},
        incidents=[
            *await uow.incidents.linked_to(repo_id, judged),
            *await uow.incidents.unlinked(repo_id, environment, reach),
        ],
    )
    return judge(evidence, start, end)
