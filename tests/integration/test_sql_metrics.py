"""The metrics answer is the same on SQL storage as on the in-memory one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from dora.adapters.memory import MemoryDatabase, MemoryUnitOfWork
from dora.adapters.sql_database import SqlUnitOfWork
from dora.domain.model import Status
from dora.ports.repositories import UnitOfWork
from dora.service_layer import ingest
from dora.service_layer.metrics import dora_metrics
from dora.service_layer.queries import MetricsQuery

from .builders import PATH, commit, deployment

UowFactory = Callable[[], UnitOfWork]

# main: a <- b <------- m (merge of feature f1 <- f2) <- c
HISTORY = [
    commit("a", committed="2024-01-01T09:00:00Z"),
    commit("b", "a", committed="2024-01-02T09:00:00Z"),
    commit("f1", "b", committed="2024-01-02T10:00:00Z", authored="2024-01-01T10:00Z"),
    commit("f2", "f1", committed="2024-01-03T10:00:00Z"),
    commit("m", "b", "f2", committed="2024-01-04T09:00:00Z"),
    commit("c", "m", committed="2024-01-08T09:00:00Z"),
]
DEPLOYMENTS = [
    deployment("base", "a", "2024-01-01T12:00:00Z", baseline=True),
    deployment("d1", "b", "2024-01-02T15:00:00Z"),
    deployment("d2", "m", "2024-01-04T18:00:00+02:00"),
    deployment("rollback", "b", "2024-01-05T09:00:00Z"),
    deployment("failed", "c", "2024-01-08T10:00:00Z", status=Status.FAILURE),
    deployment("d3", "c", "2024-01-08T12:00:00Z"),
    deployment("unknown", "nowhere", "2024-01-09T12:00:00Z"),
    deployment("stage", "c", "2024-01-08T11:00:00Z", environment="staging"),
]


def _in_memory() -> UowFactory:
    database = MemoryDatabase()
    # The fakes' attributes are their concrete classes, which the protocol's
    # mutable attributes do not accept; they are used exactly like the ports.
    return lambda: cast(UnitOfWork, MemoryUnitOfWork(database))


async def _answer(uow_factory: UowFactory, **params: str) -> dict[str, Any]:
    await ingest.put_repo(uow_factory(), PATH)
    await ingest.add_commits(uow_factory(), PATH, HISTORY)
    for item in DEPLOYMENTS:
        await ingest.record_deployment(uow_factory(), PATH, item)
    query = MetricsQuery.parse(
        {"scope": "repo", "id": str(PATH), "from": "2024-01-01", "to": "2024-01-14"}
        | params
    )
    answer = await dora_metrics(uow_factory(), query)
    return {key: value for key, value in answer.items() if key != "computed_at"}


async def test_sql_metrics_match_the_in_memory_metrics(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    expected = await _answer(_in_memory())
    answer = await _answer(uow_factory)

    assert answer == expected
    assert answer["deployment_frequency"] == 5
    assert answer["changes"] == 5
    assert answer["data_quality"]["deployments_unknown_sha"] == 1


async def test_sql_metrics_match_in_another_zone_from_authoring(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    params = {"tz": "Asia/Tokyo", "lead_time_from": "authored", "granularity": "day"}

    expected = await _answer(_in_memory(), **params)
    answer = await _answer(uow_factory, **params)

    assert answer == expected


async def test_a_stored_answer_is_served_until_new_data_arrives(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    first = await _answer(uow_factory)
    query = MetricsQuery.parse(
        {"scope": "org", "id": "acme", "from": "2024-01-01", "to": "2024-01-14"}
    )
    before = await dora_metrics(uow_factory(), query)
    again = await dora_metrics(uow_factory(), query)

    await ingest.record_deployment(
        uow_factory(), PATH, deployment("d4", "c", "2024-01-10T00:00:00Z")
    )
    after = await dora_metrics(uow_factory(), query)

    assert again == before
    assert before["deployment_frequency"] == first["deployment_frequency"]
    assert after["deployment_frequency"] == before["deployment_frequency"] + 1
