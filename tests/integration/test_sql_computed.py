"""Shipped changes and snapshots on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

from dora.adapters.sql_database import SqlUnitOfWork
from dora.domain.lead_times import US_PER_HOUR
from dora.domain.metrics import Change, LeadTimeFrom
from dora.domain.model import RepoPath, Scope, ScopeType, ShippedChange
from dora.ports.repositories import ScopeVersion, Snapshot, SnapshotKey

from .builders import PATH, at, deployment, january, sha

UowFactory = Callable[[], SqlUnitOfWork]


def shipped(
    name: str,
    deployment_id: str,
    finished: str,
    *,
    committed: str = "2024-01-10T00:00:00Z",
    authored: str = "2024-01-09T00:00:00Z",
    environment: str = "production",
    counted: bool = True,
) -> ShippedChange:
    return ShippedChange(
        sha=sha(name),
        environment=environment,
        deployment_id=deployment_id,
        finished_at=at(finished),
        committed_at=at(committed),
        authored_at=at(authored),
        counted=counted,
    )


async def _repo_with_deployments(uow_factory: UowFactory, *ids: str) -> int:
    async with uow_factory() as uow:
        repo, _ = await uow.repos.ensure(PATH, None)
        for ident in ids:
            await uow.deployments.upsert(repo.id, deployment(ident, "a"))
        await uow.commit()
    return repo.id


async def _replace(
    uow_factory: UowFactory, repo_id: int, changes: list[ShippedChange]
) -> None:
    async with uow_factory() as uow:
        await uow.changes.replace(repo_id, changes)
        await uow.commit()


async def test_replace_swaps_the_whole_attribution(uow_factory: UowFactory) -> None:
    repo_id = await _repo_with_deployments(uow_factory, "d1", "d2")
    old = shipped("a", "d1", "2024-01-10T12:00:00Z")
    new = shipped("b", "d2", "2024-01-11T12:00:00Z")

    await _replace(uow_factory, repo_id, [old])
    await _replace(uow_factory, repo_id, [new])

    async with uow_factory() as uow:
        changes = await uow.changes.of_deployments(repo_id, ["d1", "d2"])
    assert changes == [new]


async def test_lead_times_measure_from_commit_or_authoring(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_with_deployments(uow_factory, "d1")
    await _replace(uow_factory, repo_id, [shipped("a", "d1", "2024-01-10T12:00:00Z")])

    async with uow_factory() as uow:
        committed = await uow.changes.lead_times(
            [repo_id], "production", january(), LeadTimeFrom.COMMITTED
        )
        authored = await uow.changes.lead_times(
            [repo_id], "production", january(), LeadTimeFrom.AUTHORED
        )

    finished = at("2024-01-10T12:00:00Z")
    assert committed == [Change(finished, 12 * US_PER_HOUR)]
    assert authored == [Change(finished, 36 * US_PER_HOUR)]


async def test_lead_times_keep_counted_changes_of_the_environment_and_window(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_with_deployments(uow_factory, "d1")
    await _replace(
        uow_factory,
        repo_id,
        [
            shipped("kept", "d1", "2024-01-10T12:00:00Z"),
            shipped("baseline", "d1", "2024-01-10T12:00:00Z", counted=False),
            shipped("staging", "d1", "2024-01-10T12:00Z", environment="staging"),
            shipped("february", "d1", "2024-02-01T00:00:00Z"),
        ],
    )

    async with uow_factory() as uow:
        changes = await uow.changes.lead_times(
            [repo_id], "production", january(), LeadTimeFrom.COMMITTED
        )
    assert len(changes) == 1


async def test_lead_times_stay_raw_when_negative(uow_factory: UowFactory) -> None:
    repo_id = await _repo_with_deployments(uow_factory, "d1")
    skewed = shipped("a", "d1", "2024-01-10T00:00:00Z", committed="2024-01-10T01:00Z")
    await _replace(uow_factory, repo_id, [skewed])

    async with uow_factory() as uow:
        changes = await uow.changes.lead_times(
            [repo_id], "production", january(), LeadTimeFrom.COMMITTED
        )
    assert [c.lead_time_us for c in changes] == [-US_PER_HOUR]


async def test_first_shipments_of_a_commit_are_found_per_environment(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_with_deployments(uow_factory, "d1", "d2")
    production = shipped("a", "d1", "2024-01-10T12:00:00Z")
    staging = shipped("a", "d2", "2024-01-09T12:00:00Z", environment="staging")
    await _replace(uow_factory, repo_id, [production, staging])

    async with uow_factory() as uow:
        of_a = await uow.changes.of_commit(repo_id, sha("a"))
        of_b = await uow.changes.of_commit(repo_id, sha("b"))
        of_d2 = await uow.changes.of_deployments(repo_id, ["d2"])
    assert of_a == [production, staging]
    assert of_b == []
    assert of_d2 == [staging]


def _key(scope: str = "acme/web/api") -> SnapshotKey:
    return SnapshotKey(
        scope=Scope(ScopeType.REPO, scope),
        period_start="2024-01-01",
        period_end="2024-01-31",
        environment="production",
        granularity="week",
        tz="Europe/Paris",
        lead_time_from="committed",
    )


async def test_snapshots_are_stored_replaced_and_found_by_key(
    uow_factory: UowFactory,
) -> None:
    answer = {"deployment_frequency": 3, "lead_time_avg_hours": 1.5, "series": []}
    first = Snapshot(_key(), "1:4", answer, at("2024-02-01T10:00:00+01:00"))
    second = Snapshot(
        _key(), "1:5", {**answer, "deployment_frequency": 4}, at("2024-02-02T10:00Z")
    )

    async with uow_factory() as uow:
        await uow.snapshots.put(first)
        await uow.commit()
    async with uow_factory() as uow:
        stored_first = await uow.snapshots.get(_key())
        await uow.snapshots.put(second)
        await uow.commit()

    async with uow_factory() as uow:
        stored_second = await uow.snapshots.get(_key())
        other = await uow.snapshots.get(_key("acme/web/ui"))
    assert stored_first == first
    assert stored_second == second
    assert other is None


async def test_snapshot_keeps_the_answer_key_order_and_floats(
    uow_factory: UowFactory,
) -> None:
    answer = {"z": 1, "a": 0.1 + 0.2, "m": None, "lead_time_avg_hours": None}
    snapshot = Snapshot(_key(), "v", answer, at("2024-02-01T10:00:00Z"))

    async with uow_factory() as uow:
        await uow.snapshots.put(snapshot)
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.snapshots.get(_key())
    assert stored is not None
    assert list(stored.answer) == ["z", "a", "m", "lead_time_avg_hours"]
    assert stored.answer["a"] == 0.1 + 0.2


async def test_stored_text_is_the_answer_undecoded_beside_the_scope_version(
    uow_factory: UowFactory,
) -> None:
    answer = {"z": 1, "a": 0.1 + 0.2, "series": []}
    async with uow_factory() as uow:
        repo, _ = await uow.repos.ensure(PATH, None)
        await uow.repos.touch(repo.id)
        await uow.snapshots.put(Snapshot(_key(), "1:1", answer, at("2024-02-01T10Z")))
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.snapshots.stored_text(_key())
    assert stored is not None
    assert stored.fresh
    assert json.loads(stored.text) == answer
    assert list(json.loads(stored.text)) == ["z", "a", "series"]


async def test_stored_text_turns_stale_when_a_repo_of_the_org_is_touched(
    uow_factory: UowFactory,
) -> None:
    org = dataclasses.replace(_key(), scope=Scope(ScopeType.ORG, "acme"))
    async with uow_factory() as uow:
        await uow.repos.ensure(PATH, None)
        other, _ = await uow.repos.ensure(RepoPath("acme", "ops", "infra"), None)
        await uow.snapshots.put(Snapshot(org, "2:0", {}, at("2024-02-01T10Z")))
        await uow.commit()
    async with uow_factory() as uow:
        before = await uow.snapshots.stored_text(org)
        await uow.repos.touch(other.id)
        await uow.commit()

    async with uow_factory() as uow:
        after = await uow.snapshots.stored_text(org)
        missing = await uow.snapshots.stored_text(_key("acme/web/ui"))
    assert before is not None
    assert before.fresh
    assert after is not None
    assert not after.fresh
    assert after.scope == ScopeVersion(2, 1)
    assert missing is None
