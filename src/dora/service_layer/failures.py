"""Gather the failure evidence of a window and sum it up over a scope's repos.

Each kind of evidence is read for all the repos at once, then judged repo by
repo: the rules look at one repo's chain at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from dora.domain.failures import BLAME_SPAN, Evidence, Outcome, judge
from dora.domain.model import Deployment
from dora.domain.reliability import ReliabilityFigures, measure_reliability
from dora.ports.failures import WindowDeployments
from dora.ports.repositories import TimeRange, UnitOfWork
from dora.service_layer.queries import MetricsQuery
from dora.service_layer.rollbacks import rollbacks


async def reliability(
    uow: UnitOfWork, query: MetricsQuery, repo_ids: list[int]
) -> tuple[ReliabilityFigures, list[Outcome]]:
    """Return the failure figures of the query's window over these repos.

    The outcomes come along, one per counted deployment, for callers that
    look at them one by one.
    Expects the repos' attribution to be current.
    """
    start, end = query.window.bounds()
    read = await _read(uow, repo_ids, query.environment, start, end)
    outcomes = await _outcomes(uow, query.environment, start, end, read)
    figures = measure_reliability(
        query.window, query.granularity, outcomes, read.failed_attempts
    )
    return figures, outcomes


async def outcomes_of(
    uow: UnitOfWork,
    repo_ids: Sequence[int],
    environment: str,
    start: datetime,
    end: datetime,
) -> list[Outcome]:
    """Judge the counted deployments of these repos finished in [start, end)."""
    read = await _read(uow, repo_ids, environment, start, end)
    return await _outcomes(uow, environment, start, end, read)


async def _read(
    uow: UnitOfWork,
    repo_ids: Sequence[int],
    environment: str,
    start: datetime,
    end: datetime,
) -> WindowDeployments:
    return await uow.failures.around(
        repo_ids, environment, TimeRange(start, end), _reach(start, end)
    )


def _reach(start: datetime, end: datetime) -> TimeRange:
    # An unlinked incident a day after the window may still blame its last
    # deployment, so the segments reach that far.
    return TimeRange(start, end + BLAME_SPAN)


async def _outcomes(
    uow: UnitOfWork,
    environment: str,
    start: datetime,
    end: datetime,
    read: WindowDeployments,
) -> list[Outcome]:
    segments = {r: s for r, s in read.chains.items() if s}
    judged = {r: _judged(s, start, end) for r, s in segments.items()}
    judged = {r: ids for r, ids in judged.items() if ids}
    if not judged:
        return []

    named = {r: _named(segments[r]) for r in judged}
    judged_segments = {r: segments[r] for r in judged}
    rolled_back = await rollbacks(uow.failures, environment, judged_segments, read.idle)
    remediated = await uow.failures.by_ids(named)
    incidents = await uow.incidents.around(
        list(judged), environment, TimeRange(start, end), _reach(start, end)
    )

    outcomes: list[Outcome] = []
    for repo_id in judged:
        evidence = Evidence(
            segment=segments[repo_id],
            rollbacks=rolled_back.get(repo_id, frozenset()),
            remediations=read.remediations.get(repo_id, []),
            remediated={d.id: d for d in remediated.get(repo_id, [])},
            incidents=incidents.get(repo_id, []),
        )
        outcomes += judge(evidence, start, end)
    return outcomes


def _judged(segment: Sequence[Deployment], start: datetime, end: datetime) -> list[str]:
    return [
        d.id
        for d in segment
        if d.counted and d.finished_at is not None and start <= d.finished_at < end
    ]


def _named(segment: Sequence[Deployment]) -> list[str]:
    return [d.remediates for d in segment if d.remediates is not None]
