"""The failure evidence of a window read at once, on SQL and in memory alike."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from dora.adapters.memory import MemoryDatabase, MemoryUnitOfWork
from dora.adapters.sql_database import SqlUnitOfWork
from dora.domain.incidents import Incident
from dora.domain.model import Deployment, Status
from dora.ports.repositories import TimeRange, UnitOfWork

from .builders import PATH, at, deployment, january

UowFactory = Callable[[], UnitOfWork]

REACH = TimeRange(january().start, january().end + timedelta(hours=24))


def _fix(id: str, finished: str, target: str, **fields: Any) -> Deployment:
    return dataclasses.replace(
        deployment(id, id, finished, **fields), remediates=target
    )


DEPLOYMENTS = [
    deployment("before", "a", "2023-12-31T10:00:00Z"),
    deployment("base", "b", "2024-01-03T10:00:00Z", baseline=True),
    deployment("in", "c", "2024-01-10T10:00:00Z"),
    deployment("staged", "c", "2024-01-11T10:00:00Z", environment="staging"),
    deployment("broke", "d", "2024-01-12T10:00:00Z", status=Status.FAILURE),
    _fix("fix-in", "2024-01-13T10:00:00Z", "in"),
    _fix("fix-base", "2024-01-14T10:00:00Z", "base"),
    _fix("fix-staged", "2024-01-15T10:00:00Z", "staged", environment="staging"),
    _fix("fix-before", "2024-01-16T10:00:00Z", "before"),
    _fix("late-fix", "2024-02-05T10:00:00Z", "in", status=Status.FAILURE),
    deployment("next-day", "e", "2024-02-01T08:00:00Z"),
    deployment("after", "f", "2024-02-03T10:00:00Z"),
]
CHAIN = ["before", "base", "in", "fix-in", "fix-base", "fix-before", "next-day"]
CHAIN += ["after"]
INCIDENTS = [
    Incident("on-in", at("2024-01-20T00:00:00Z"), deployment_id="in"),
    Incident("on-before", at("2024-01-01T00:00:00Z"), deployment_id="before"),
    Incident("on-base", at("2024-01-04T00:00:00Z"), deployment_id="base"),
    Incident("loose", at("2024-01-18T00:00:00Z")),
    Incident("loose-late", at("2024-02-01T12:00:00Z")),
    Incident("staging", at("2024-01-18T00:00:00Z"), environment="staging"),
    Incident("too-late", at("2024-02-03T00:00:00Z")),
]


async def _read(uow_factory: UowFactory) -> tuple[Any, Any]:
    async with uow_factory() as uow:
        repo, _ = await uow.repos.ensure(PATH, None)
        for item in DEPLOYMENTS:
            await uow.deployments.upsert(repo.id, item)
        for incident in INCIDENTS:
            await uow.incidents.upsert(repo.id, incident)
        await uow.commit()
    async with uow_factory() as uow:
        read = await uow.failures.around([repo.id], "production", january(), REACH)
        incidents = await uow.incidents.around(
            [repo.id], "production", january(), REACH
        )
    chains = {r: [d.id for d in c] for r, c in read.chains.items()}
    remedies = {r: sorted(d.id for d in c) for r, c in read.remediations.items()}
    linked = {r: [i.id for i in found] for r, found in incidents.items()}
    idle = {r: sorted(ids) for r, ids in read.idle.items()}
    return (chains, remedies, sorted(read.failed_attempts), linked, idle), repo.id


async def test_one_read_gives_the_chain_remedies_failures_and_incidents(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    found, repo_id = await _read(cast(UowFactory, uow_factory))

    assert found == (
        {repo_id: CHAIN},
        {repo_id: ["fix-in", "late-fix"]},
        [at("2024-01-12T10:00:00Z")],
        {repo_id: ["on-in", "loose", "loose-late"]},
        # Nothing was attributed: no member shipped anything.
        {repo_id: sorted(CHAIN)},
    )


async def test_the_read_in_memory_answers_as_the_sql_one(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    database = MemoryDatabase()

    in_sql, _ = await _read(cast(UowFactory, uow_factory))
    in_memory, _ = await _read(lambda: cast(UnitOfWork, MemoryUnitOfWork(database)))

    assert in_memory == in_sql
