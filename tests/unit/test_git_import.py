"""Importing a git history in batches, then its release deployments."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from dora.domain.model import RepoPath
from dora.ports.repositories import UnitOfWork
from dora.service_layer.git_import import Units, import_git

from .builders import REPO, Platform, commit, deployment, linear_history


def units(platform: Platform) -> Units:
    async def unit() -> UnitOfWork:
        return platform.uow()

    return unit


async def test_batches_are_stored_then_tags_ship_their_commits(
    platform: Platform,
) -> None:
    history = linear_history("c1", "c2", "c3")
    release = deployment("tag:v1", "c3", "2024-01-01T13:00:00Z")
    seen: list[int] = []

    result = await import_git(
        units(platform),
        RepoPath.parse(REPO),
        [history[:2], history[2:]],
        [release],
        seen.append,
    )

    answer = await platform.metrics()
    assert (result.commits_read, result.commits_inserted) == (3, 3)
    assert (result.deployments, result.deployments_created) == (1, 1)
    assert seen == [2, 1]
    assert answer["changes"] == 3
    assert answer["lead_time_avg_hours"] == 3.0


async def test_importing_again_stores_nothing_new(platform: Platform) -> None:
    history = linear_history("c1", "c2")
    release = deployment("tag:v1", "c2", "2024-01-01T12:00:00Z")
    path = RepoPath.parse(REPO)
    await import_git(units(platform), path, [history], [release])

    again = await import_git(units(platform), path, [history], [release])

    answer = await platform.metrics()
    assert (again.commits_inserted, again.deployments_created) == (0, 0)
    assert answer["deployment_frequency"] == 1


async def test_a_commit_dated_outside_the_supported_years_is_skipped(
    platform: Platform,
) -> None:
    good = commit("c1")
    bogus = replace(commit("c2", "c1"), authored_at=datetime(1800, 1, 1, tzinfo=UTC))

    result = await import_git(
        units(platform), RepoPath.parse(REPO), [[good, bogus]], []
    )

    assert (result.commits_read, result.commits_inserted) == (2, 1)
    assert result.commits_skipped == 1
