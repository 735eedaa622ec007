"""Commits on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from dora.adapters.sql_database import SqlUnitOfWork
from dora.domain.model import Commit

from .builders import PATH, at, commit, sha

UowFactory = Callable[[], SqlUnitOfWork]


async def _repo_id(uow_factory: UowFactory) -> int:
    async with uow_factory() as uow:
        repo, _ = await uow.repos.ensure(PATH, None)
        await uow.commit()
    return repo.id


async def test_commit_insert_is_idempotent(uow_factory: UowFactory) -> None:
    repo_id = await _repo_id(uow_factory)

    async with uow_factory() as uow:
        first = await uow.commits.add(repo_id, [commit("a"), commit("b", "a")])
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.commits.add(
            repo_id, [commit("b", "a"), commit("c", "b"), commit("c", "b")]
        )
        await uow.commit()

    assert (first, again) == (2, 1)


async def test_parents_round_trip_in_order(uow_factory: UowFactory) -> None:
    repo_id = await _repo_id(uow_factory)
    merge = commit("merge", "main", "feature", "other")

    async with uow_factory() as uow:
        await uow.commits.add(repo_id, [commit("root"), merge])
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.commits.get(repo_id, merge.sha)
        root = await uow.commits.get(repo_id, sha("root"))
        missing = await uow.commits.get(repo_id, sha("missing"))
    assert stored == merge
    assert stored is not None
    assert stored.parents == (sha("main"), sha("feature"), sha("other"))
    assert root is not None
    assert root.parents == ()
    assert missing is None


async def test_timestamps_come_back_as_the_same_instant_in_utc(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)
    local = commit(
        "a",
        committed="2024-01-01T10:00:00.123456+02:00",
        authored="2023-12-31T23:30:00-05:00",
    )

    async with uow_factory() as uow:
        await uow.commits.add(repo_id, [local])
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.commits.get(repo_id, local.sha)
    assert stored is not None
    assert stored.committed_at == at("2024-01-01T08:00:00.123456Z")
    assert stored.committed_at.utcoffset() == timedelta(0)
    assert stored.authored_at == at("2024-01-01T04:30:00Z")


async def test_graph_loads_every_commit_of_the_repo_only(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)
    async with uow_factory() as uow:
        other, _ = await uow.repos.ensure(PATH.__class__("acme", "web", "ui"), None)
        await uow.commits.add(repo_id, [commit("a"), commit("b", "a")])
        await uow.commits.add(other.id, [commit("z")])
        await uow.commit()

    async with uow_factory() as uow:
        graph = await uow.commits.graph(repo_id)

    assert dict(graph) == {sha("a"): commit("a"), sha("b"): commit("b", "a")}


async def test_a_large_batch_is_stored_in_chunks_and_counted(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    history = [
        Commit(sha(str(n)), (sha(str(n - 1)),) if n else (), start, start)
        for n in range(2_500)
    ]

    async with uow_factory() as uow:
        first = await uow.commits.add(repo_id, history[:1_200])
        second = await uow.commits.add(repo_id, history)
        await uow.commit()

    async with uow_factory() as uow:
        graph = await uow.commits.graph(repo_id)
    assert (first, second, len(graph)) == (1_200, 1_300, 2_500)
