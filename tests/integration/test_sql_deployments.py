"""Deployments on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from dora.adapters.sql_database import SqlUnitOfWork
from dora.domain.metrics import DeployedAt
from dora.domain.model import RepoPath, Status
from dora.ports.repositories import TimeRange

from .builders import PATH, at, commit, deployment, january

UowFactory = Callable[[], SqlUnitOfWork]


async def _repo_id(uow_factory: UowFactory, path: RepoPath = PATH) -> int:
    async with uow_factory() as uow:
        repo, _ = await uow.repos.ensure(path, None)
        await uow.commit()
    return repo.id


async def test_deployment_upsert_keeps_seq_and_says_whether_it_is_new(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)
    running = deployment("d1", "a", None, status=Status.RUNNING)

    async with uow_factory() as uow:
        first, first_new = await uow.deployments.upsert(repo_id, running)
        other, _ = await uow.deployments.upsert(repo_id, deployment("d2", "b"))
        done = dataclasses.replace(
            running, status=Status.SUCCESS, finished_at=at("2024-01-03T10:00:00Z")
        )
        updated, updated_new = await uow.deployments.upsert(repo_id, done)
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.deployments.get(repo_id, "d1")
    assert (first_new, updated_new) == (True, False)
    assert first.seq < other.seq
    assert updated.seq == first.seq
    assert stored == updated
    assert stored is not None
    assert stored.status is Status.SUCCESS


async def test_a_deployment_round_trips_every_field(uow_factory: UowFactory) -> None:
    repo_id = await _repo_id(uow_factory)
    sent = deployment(
        "ci/42", "a", "2024-01-02T12:00:00+02:00", baseline=True, url="https://ci/42"
    )

    async with uow_factory() as uow:
        stored, _ = await uow.deployments.upsert(repo_id, sent)
        await uow.commit()

    async with uow_factory() as uow:
        found = await uow.deployments.get(repo_id, "ci/42")
        missing = await uow.deployments.get(repo_id, "nope")
    assert found == stored
    assert found is not None
    assert found.url == "https://ci/42"
    assert found.finished_at == at("2024-01-02T10:00:00Z")
    assert found.started_at == at("2024-01-02T07:30:00Z")
    assert missing is None


async def test_of_repo_lists_every_deployment_of_one_repo_in_arrival_order(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)
    other_id = await _repo_id(uow_factory, RepoPath("acme", "web", "ui"))

    async with uow_factory() as uow:
        await uow.deployments.upsert(
            repo_id, deployment("late", "a", "2024-01-09T00:00Z")
        )
        await uow.deployments.upsert(
            repo_id, deployment("early", "a", None, status=Status.FAILURE)
        )
        await uow.deployments.upsert(other_id, deployment("elsewhere", "a"))
        await uow.commit()

    async with uow_factory() as uow:
        listed = await uow.deployments.of_repo(repo_id)
    assert [d.id for d in listed] == ["late", "early"]


async def test_counted_keeps_successes_of_the_environment_in_the_window(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)
    sent = [
        deployment("in", "a", "2024-01-01T00:00:00Z"),
        deployment("last-instant", "a", "2024-01-31T23:59:59.999999Z"),
        deployment("february", "a", "2024-02-01T00:00:00Z"),
        deployment("december", "a", "2023-12-31T23:59:59Z"),
        deployment("failed", "a", "2024-01-10T00:00:00Z", status=Status.FAILURE),
        deployment("running", "a", None, status=Status.RUNNING),
        deployment("baseline", "a", "2024-01-10T00:00:00Z", baseline=True),
        deployment("staging", "a", "2024-01-10T00:00:00Z", environment="staging"),
    ]

    async with uow_factory() as uow:
        for item in sent:
            await uow.deployments.upsert(repo_id, item)
        await uow.commit()

    async with uow_factory() as uow:
        counted = await uow.deployments.counted([repo_id], "production", january())
    assert sorted(d.finished_at for d in counted) == [
        at("2024-01-01T00:00:00Z"),
        at("2024-01-31T23:59:59.999999Z"),
    ]


async def test_counted_says_whether_the_sha_is_a_known_commit(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)
    other_id = await _repo_id(uow_factory, RepoPath("acme", "web", "ui"))

    async with uow_factory() as uow:
        await uow.commits.add(repo_id, [commit("known")])
        await uow.commits.add(other_id, [commit("elsewhere")])
        await uow.deployments.upsert(
            repo_id, deployment("k", "known", "2024-01-02T00:00Z")
        )
        await uow.deployments.upsert(
            repo_id, deployment("u", "elsewhere", "2024-01-03T00:00Z")
        )
        await uow.commit()

    async with uow_factory() as uow:
        counted = await uow.deployments.counted([repo_id], "production", january())
    assert counted == [
        DeployedAt(at("2024-01-02T00:00:00Z"), True),
        DeployedAt(at("2024-01-03T00:00:00Z"), False),
    ]


async def test_counted_adds_up_several_repos(uow_factory: UowFactory) -> None:
    repo_ids = [
        await _repo_id(uow_factory, RepoPath("acme", "web", name))
        for name in ("api", "ui", "db")
    ]

    async with uow_factory() as uow:
        for repo_id in repo_ids:
            await uow.deployments.upsert(repo_id, deployment("d", "a"))
        await uow.commit()

    async with uow_factory() as uow:
        counted = await uow.deployments.counted(repo_ids[:2], "production", january())
    assert len(counted) == 2


async def test_finished_lists_any_status_in_chain_order(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)
    async with uow_factory() as uow:
        for item in [
            deployment("second", "a", "2024-01-05T00:00Z"),
            deployment("tie-later", "a", "2024-01-03T00:00Z"),
            deployment("failed", "a", "2024-01-02T00:00Z", status=Status.FAILURE),
            deployment("running", "a", None, status=Status.RUNNING),
            deployment("staging", "a", "2024-01-02T00:00Z", environment="staging"),
        ]:
            await uow.deployments.upsert(repo_id, item)
        await uow.commit()

    async with uow_factory() as uow:
        found = await uow.deployments.finished(repo_id, "production", january())
        wide = TimeRange(at("2024-01-02T00:00Z"), at("2024-01-04T00:00Z"))
        narrow = await uow.deployments.finished(repo_id, "production", wide)
    assert [d.id for d in found] == ["failed", "tie-later", "second"]
    assert [d.id for d in narrow] == ["failed", "tie-later"]


async def test_environments_are_listed_once_each_in_order(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)
    async with uow_factory() as uow:
        for ident, environment in [("1", "staging"), ("2", "Prod"), ("3", "staging")]:
            await uow.deployments.upsert(
                repo_id, deployment(ident, "a", environment=environment)
            )
        await uow.commit()

    async with uow_factory() as uow:
        environments = await uow.deployments.environments(repo_id)
    assert environments == ["Prod", "staging"]
