"""Accepting repos, commits and deployments."""

from __future__ import annotations

import pytest

from dora.domain.errors import NotFound
from dora.domain.model import RepoPath, Status
from dora.service_layer import ingest

from .builders import REPO, Platform, commit, deployment, linear_history


async def test_putting_a_repo_twice_creates_it_once(platform: Platform) -> None:
    path = RepoPath.parse(REPO)

    first, created_first = await ingest.put_repo(platform.uow(), path)
    second, created_second = await ingest.put_repo(platform.uow(), path)

    assert (created_first, created_second) == (True, False)
    assert first == second


async def test_commits_are_stored_once_by_sha(platform: Platform) -> None:
    await platform.add_commits(*linear_history("c1", "c2"))

    inserted = await platform.add_commits(*linear_history("c1", "c2", "c3"))

    assert inserted == 1


async def test_commit_posted_again_keeps_what_was_first_stored(
    platform: Platform,
) -> None:
    original = commit("c1", committed="2024-01-01T09:00:00Z")
    await platform.add_commits(original)

    await platform.add_commits(commit("c1", committed="2024-01-05T09:00:00Z"))

    async with platform.uow() as uow:
        repo = await uow.repos.get(RepoPath.parse(REPO))
        assert repo is not None
        stored = await uow.commits.get(repo.id, original.sha)
    assert stored == original


async def test_parents_may_arrive_after_their_children(platform: Platform) -> None:
    await platform.add_commits(commit("c2", "c1", committed="2024-01-01T10:00:00Z"))
    await platform.deploy(deployment("d1", "c2", "2024-01-01T12:00:00Z"))
    await platform.add_commits(commit("c1", committed="2024-01-01T09:00:00Z"))

    answer = await platform.metrics()

    assert answer["changes"] == 2


async def test_deployment_posted_again_with_its_id_is_updated(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1"))
    [(_, created)] = await platform.deploy(
        deployment("d1", "c1", None, status=Status.RUNNING)
    )

    [(stored, created_again)] = await platform.deploy(
        deployment("d1", "c1", "2024-01-02T10:00:00Z")
    )

    answer = await platform.metrics()
    assert (created, created_again) == (True, False)
    assert stored.status is Status.SUCCESS
    assert answer["deployment_frequency"] == 1


async def test_updated_deployment_keeps_its_place_in_the_order_received(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1", "c2", "c3"))
    same_instant = "2024-01-02T10:00:00Z"
    [(first, _)] = await platform.deploy(
        deployment("a", "c3", None, status=Status.RUNNING)
    )
    await platform.deploy(deployment("b", "c2", same_instant))

    [(updated, _)] = await platform.deploy(deployment("a", "c3", same_instant))
    await platform.metrics()

    [changes] = platform.db.changes.values()
    assert updated.seq == first.seq
    assert {change.deployment_id for change in changes} == {"a"}


async def test_commits_for_an_unknown_repo_are_not_found(platform: Platform) -> None:
    path = RepoPath.parse("acme/web/nope")

    with pytest.raises(NotFound, match="acme/web/nope"):
        await ingest.add_commits(platform.uow(), path, linear_history("c1"))


async def test_deployment_for_an_unknown_repo_is_not_found(
    platform: Platform,
) -> None:
    path = RepoPath.parse("acme/web/nope")

    with pytest.raises(NotFound, match="acme/web/nope"):
        await ingest.record_deployment(platform.uow(), path, deployment("d1", "c1"))


async def test_metrics_of_an_unknown_repo_are_not_found(platform: Platform) -> None:
    await platform.add_commits(*linear_history("c1"))

    with pytest.raises(NotFound, match="acme/web/nope"):
        await platform.metrics(id="acme/web/nope")


@pytest.mark.parametrize(("scope", "path"), [("project", "acme/nope"), ("org", "nope")])
async def test_unknown_project_or_org_is_not_found(
    platform: Platform, scope: str, path: str
) -> None:
    await platform.add_commits(*linear_history("c1"))

    with pytest.raises(NotFound, match=path):
        await platform.metrics(scope=scope, id=path)


async def test_import_creates_the_repo_and_loads_history_in_one_go(
    platform: Platform,
) -> None:
    path = RepoPath.parse("acme/web/imported")
    commits = linear_history("c1", "c2")
    deployments = [deployment("d1", "c2"), deployment("d1", "c2")]

    counts = await ingest.import_history(platform.uow(), path, commits, deployments)

    answer = await platform.metrics(id="acme/web/imported")
    assert counts == (2, 1)
    assert (answer["deployment_frequency"], answer["changes"]) == (1, 2)
