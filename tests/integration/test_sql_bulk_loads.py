"""Bulk loads (COPY on PostgreSQL) into new repos and repos holding data."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import text

from dora.adapters import sql_copy
from dora.adapters.sql_database import SqlUnitOfWork
from dora.domain.model import Commit

from .builders import PATH, deployment, sha

UowFactory = Callable[[], SqlUnitOfWork]
START = datetime(2024, 1, 1, tzinfo=UTC)


async def _repo_id(uow_factory: UowFactory) -> int:
    async with uow_factory() as uow:
        repo, _ = await uow.repos.ensure(PATH, None)
        await uow.commit()
    return repo.id


def _history(count: int) -> list[Commit]:
    # Instants in another zone than UTC, and with microseconds, come back the
    # same from a binary COPY.
    authored = datetime(
        2023, 12, 31, 23, 0, 0, 123_456, tzinfo=timezone(timedelta(hours=2))
    )
    return [
        Commit(
            sha(str(n)),
            (sha(str(n - 1)),) if n else (),
            START + timedelta(minutes=n),
            authored,
        )
        for n in range(count)
    ]


async def test_a_new_repos_commits_are_all_stored_and_counted(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)
    history = _history(1_500)

    async with uow_factory() as uow:
        inserted = await uow.commits.add(repo_id, [*history, *history[:10]])
        await uow.commit()

    async with uow_factory() as uow:
        graph = await uow.commits.graph(repo_id)
    assert inserted == 1_500
    assert dict(graph) == {c.sha: c for c in history}


async def test_commits_stored_meanwhile_are_skipped_not_an_error(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if another writer stored some of the commits after the check that
    # found the repo empty: the straight COPY conflicts and is undone.
    repo_id = await _repo_id(uow_factory)
    history = _history(1_500)
    async with uow_factory() as uow:
        await uow.commits.add(repo_id, history[:700])
        await uow.commit()

    async def empty(*_: Any) -> bool:
        return False

    monkeypatch.setattr(sql_copy, "_holds_any", empty)
    async with uow_factory() as uow:
        inserted = await uow.commits.add(repo_id, history)
        await uow.commit()

    async with uow_factory() as uow:
        graph = await uow.commits.graph(repo_id)
    assert inserted == 800
    assert dict(graph) == {c.sha: c for c in history}


async def test_many_new_deployments_are_numbered_in_the_order_received(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)
    received = [deployment(f"d{n}", str(n % 7)) for n in range(1_200, 0, -1)]

    async with uow_factory() as uow:
        updates = await uow.deployments.upsert_many(repo_id, received)
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.deployments.of_repo(repo_id)
    seqs = [new.seq for _, new in updates]
    assert all(old is None for old, _ in updates)
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)
    assert stored == [new for _, new in updates]


async def test_a_second_bulk_load_updates_some_and_adds_others(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)
    first = [deployment(f"d{n}", "a") for n in range(1_100)]
    async with uow_factory() as uow:
        before = dict(
            (new.id, new)
            for _, new in await uow.deployments.upsert_many(repo_id, first)
        )
        await uow.commit()
    later = START + timedelta(days=40)
    moved = [dataclasses.replace(d, finished_at=later) for d in first[600:]]
    fresh = [deployment(f"e{n}", "b") for n in range(600)]

    async with uow_factory() as uow:
        updates = await uow.deployments.upsert_many(repo_id, [*moved, *fresh])
        await uow.commit()

    async with uow_factory() as uow:
        stored = {d.id: d for d in await uow.deployments.of_repo(repo_id)}
    assert [old for old, _ in updates[:500]] == [before[d.id] for d in moved]
    assert all(old is None for old, _ in updates[500:])
    assert all(stored[d.id].finished_at == later for d in moved)
    assert all(stored[d.id].seq == before[d.id].seq for d in moved)
    assert min(new.seq for _, new in updates[500:]) > max(before[i].seq for i in before)
    assert len(stored) == 1_700


# COPY and ANALYZE are PostgreSQL's.
@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_bulk_load_leaves_the_tables_analyzed(
    uow_factory: UowFactory,
) -> None:
    repo_id = await _repo_id(uow_factory)

    async with uow_factory() as uow:
        await uow.commits.add(repo_id, _history(1_200))
        await uow.commit()

    async with uow_factory() as uow:
        counted = await uow.session.scalar(
            text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('commits')")
        )
    assert counted == 1_200


@pytest.mark.parametrize(
    ("loaded", "counted", "expected"),
    [
        (600, -1, True),
        (600, 0, True),
        (600, 7_000, False),
        (700, 7_000, True),
        (99_999, 1_000_000, False),
    ],
)
def test_a_load_of_a_tenth_of_the_rows_counted_outdates_statistics(
    loaded: int, counted: float, expected: bool
) -> None:
    assert sql_copy.outdated(loaded, counted) is expected
