"""A snapshot and its scope's version now, read in one look-up."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from dora.adapters.sql_database import SqlUnitOfWork
from dora.domain.model import RepoPath, Scope, ScopeType
from dora.ports.repositories import ScopeVersion, Snapshot, SnapshotKey

from .builders import at

KEY = SnapshotKey(
    scope=Scope(ScopeType.PROJECT, "acme/web"),
    period_start="2024-01-01",
    period_end="2024-01-31",
    environment="production",
    granularity="week",
    tz="Europe/Paris",
    lead_time_from="committed",
)


async def test_the_version_comes_with_or_without_a_snapshot(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    stored = Snapshot(
        KEY, "2:3", {"deployment_frequency": 4}, at("2024-02-01T10:00:00Z")
    )
    other_key = dataclasses.replace(KEY, tz="UTC")

    async with uow_factory() as uow:
        api, _ = await uow.repos.ensure(RepoPath("acme", "web", "api"), None)
        ui, _ = await uow.repos.ensure(RepoPath("acme", "web", "ui"), None)
        for repo_id in (api.id, ui.id, ui.id):
            await uow.repos.touch(repo_id)
        await uow.snapshots.put(stored)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.snapshots.with_version(KEY, [api.id, ui.id])
        missing = await uow.snapshots.with_version(other_key, [api.id])
        nothing = await uow.snapshots.with_version(other_key, [])

    # api was touched once, ui twice.
    assert found == (stored, ScopeVersion(2, 3))
    assert missing == (None, ScopeVersion(1, 1))
    assert nothing == (None, ScopeVersion(0, 0))
