"""An import attributes over its own commits unless it meets stored ones."""

from __future__ import annotations

from dora.domain.model import RepoPath
from dora.service_layer import ingest

from .builders import REPO, Platform, deployment, long_history, name_of


def _shipped_by(platform: Platform) -> dict[str, set[str]]:
    shipped: dict[str, set[str]] = {}
    for _, deployment_id, sha, _ in platform.kept_attribution():
        shipped.setdefault(deployment_id, set()).add(name_of(sha))
    return shipped


async def test_an_import_into_a_new_repo_ships_its_whole_history() -> None:
    platform = Platform()
    history = long_history(60)
    deployments = [
        deployment(f"d{n}", f"c{n}", f"2024-01-02T{n // 6:02d}:{n % 6 * 10:02d}:00Z")
        for n in range(0, 60, 10)
    ]

    await ingest.import_history(
        platform.uow(), RepoPath.parse(REPO), history, deployments
    )

    assert platform.kept_attribution() == platform.fresh_attribution()
    assert _shipped_by(platform)["d10"] == {f"c{n}" for n in range(1, 11)}


async def test_an_import_of_new_commits_ships_the_stored_ones_they_descend_from() -> (
    None
):
    platform = Platform()
    history = long_history(60)
    await platform.add_commits(*history[:30])
    deployments = [deployment(f"d{n}", f"c{n}") for n in range(30, 60)]

    await ingest.import_history(
        platform.uow(), RepoPath.parse(REPO), history[30:], deployments
    )

    assert platform.kept_attribution() == platform.fresh_attribution()
    assert _shipped_by(platform)["d30"] == {f"c{n}" for n in range(31)}


async def test_an_import_deploying_a_stored_commit_ships_it() -> None:
    platform = Platform()
    history = long_history(60)
    await platform.add_commits(history[0])
    deployments = [deployment(f"d{n}", f"c{n}") for n in range(60)]

    await ingest.import_history(
        platform.uow(), RepoPath.parse(REPO), history[1:], deployments
    )

    assert platform.kept_attribution() == platform.fresh_attribution()
    assert _shipped_by(platform)["d0"] == {"c0"}


async def test_an_import_also_ships_through_stored_deployments_not_imported() -> None:
    platform = Platform()
    history = long_history(60)
    await platform.deploy(deployment("early", "c5", "2024-01-02T00:30:00Z"))
    deployments = [
        deployment(f"d{n}", f"c{n}", f"2024-01-02T{n // 6:02d}:{n % 6 * 10:02d}:00Z")
        for n in range(0, 60, 10)
    ]

    await ingest.import_history(
        platform.uow(), RepoPath.parse(REPO), history, deployments
    )

    assert platform.kept_attribution() == platform.fresh_attribution()
    assert _shipped_by(platform)["early"] == {f"c{n}" for n in range(1, 6)}


async def test_a_reimport_with_a_changed_deployment_ships_as_changed() -> None:
    platform = Platform()
    history = long_history(60)
    deployments = [
        deployment(f"d{n}", f"c{n}", f"2024-01-02T{n // 6:02d}:{n % 6 * 10:02d}:00Z")
        for n in range(0, 60, 10)
    ]
    path = RepoPath.parse(REPO)
    await ingest.import_history(platform.uow(), path, history, deployments)
    deployments[2] = deployment("d20", "c25", "2024-01-02T03:20:00Z")

    await ingest.import_history(platform.uow(), path, history, deployments)

    assert platform.kept_attribution() == platform.fresh_attribution()
    assert _shipped_by(platform)["d20"] == {f"c{n}" for n in range(11, 26)}
