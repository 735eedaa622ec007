"""An org's failure figures, read for all its repos at once, on SQL storage."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from dora.adapters.memory import MemoryDatabase, MemoryUnitOfWork
from dora.domain.failures import Outcome
from dora.domain.incidents import Incident
from dora.domain.model import RepoPath, Status
from dora.domain.reliability import ReliabilityFigures, measure_reliability
from dora.ports.repositories import TimeRange, UnitOfWork
from dora.service_layer import ingest
from dora.service_layer.attribution import attribute_all
from dora.service_layer.failures import outcomes_of, reliability
from dora.service_layer.metrics import dora_metrics
from dora.service_layer.queries import MetricsQuery

from .builders import at, commit, deployment

UowFactory = Callable[[], UnitOfWork]

ROLLED_BACK = RepoPath("acme", "web", "api")
FIXED = RepoPath("acme", "web", "ui")
BLAMED = RepoPath("acme", "ops", "infra")
QUIET = RepoPath("acme", "ops", "docs")

# Every repo uses the same deployment ids, so evidence read for the whole org
# must keep each repo's ids apart: only one repo's `d1` is blamed, say.
HISTORY = [commit("a"), commit("b", "a"), commit("c", "b")]
PLAIN = [
    deployment("d1", "a", "2024-01-02T10:00:00Z"),
    deployment("d2", "b", "2024-01-03T10:00:00Z"),
]
DEPLOYMENTS = {
    ROLLED_BACK: [*PLAIN, deployment("d3", "a", "2024-01-03T14:00:00Z")],
    FIXED: [
        *PLAIN,
        deployment("d3", "c", "2024-01-04T10:00:00Z", status=Status.FAILURE),
        dataclasses.replace(
            deployment("d4", "c", "2024-01-04T16:00:00Z"), remediates="d2"
        ),
    ],
    BLAMED: PLAIN,
    QUIET: PLAIN,
}
INCIDENTS = {
    BLAMED: [
        Incident(
            "linked",
            at("2024-01-02T12:00:00Z"),
            resolved_at=at("2024-01-02T20:00:00Z"),
            deployment_id="d1",
        ),
        Incident(
            "unlinked",
            at("2024-01-03T11:00:00Z"),
            resolved_at=at("2024-01-03T12:00:00Z"),
        ),
    ],
}


async def _org(uow_factory: UowFactory) -> list[int]:
    for path, deployments in DEPLOYMENTS.items():
        await ingest.put_repo(uow_factory(), path)
        await ingest.add_commits(uow_factory(), path, HISTORY)
        for item in deployments:
            await ingest.record_deployment(uow_factory(), path, item)
    async with uow_factory() as uow:
        repos = [await ingest.existing_repo(uow, path) for path in DEPLOYMENTS]
        for repo in repos:
            for incident in INCIDENTS.get(repo.path, []):
                await uow.incidents.upsert(repo.id, incident)
        await attribute_all(uow, repos)
        await uow.commit()
    return [repo.id for repo in repos]


async def _repo_by_repo(
    uow: UnitOfWork, query: MetricsQuery, repo_ids: list[int]
) -> ReliabilityFigures:
    start, end = query.window.bounds()
    outcomes: list[Outcome] = []
    attempts: list[datetime] = []
    for repo_id in repo_ids:
        outcomes += await outcomes_of(uow, [repo_id], "production", start, end)
        during = TimeRange(start, end)
        read = await uow.failures.around([repo_id], "production", during, during)
        attempts += read.failed_attempts
    return measure_reliability(query.window, query.granularity, outcomes, attempts)


async def test_an_org_has_the_failure_figures_of_its_repos_judged_one_by_one(
    uow_factory: UowFactory,
) -> None:
    repo_ids = await _org(uow_factory)
    query = MetricsQuery.parse(
        {"scope": "org", "id": "acme", "from": "2024-01-01", "to": "2024-01-14"}
    )

    async with uow_factory() as uow:
        together, outcomes = await reliability(uow, query, repo_ids)
        one_by_one = await _repo_by_repo(uow, query, repo_ids)

    assert together == one_by_one
    assert len(outcomes) == 10
    assert sorted(o.finished_at for o in outcomes if o.failed) == [
        at("2024-01-02T10:00:00Z"),
        *[at("2024-01-03T10:00:00Z")] * 3,
    ]
    assert sum(o.rework for o in outcomes) == 2
    assert together.total.failed_attempts == 1


async def test_an_org_answer_on_sql_matches_the_in_memory_one(
    uow_factory: UowFactory,
) -> None:
    database = MemoryDatabase()

    def in_memory() -> UnitOfWork:
        # The fakes' attributes are their concrete classes, which the
        # protocol's mutable attributes do not accept.
        return cast(UnitOfWork, MemoryUnitOfWork(database))

    await _org(in_memory)
    await _org(uow_factory)
    query = MetricsQuery.parse(
        {"scope": "org", "id": "acme", "from": "2024-01-01", "to": "2024-01-14"}
    )

    expected = await dora_metrics(in_memory(), query)
    answer = await dora_metrics(uow_factory(), query)

    assert _figures(answer) == _figures(expected)
    assert answer["failed_deployments"] == 4


def _figures(answer: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in answer.items() if key != "computed_at"}
