"""What a developer looks up: deployments, what they shipped, a commit's fate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from dora.domain.errors import NotFound
from dora.domain.model import Deployment, RepoPath, ShippedChange
from dora.domain.statistics import mean
from dora.domain.window import Window
from dora.ports.repositories import TimeRange, UnitOfWork
from dora.service_layer.attribution import attribute
from dora.service_layer.ingest import existing_repo
from dora.service_layer.wire import deployment_json, hours, rounded, timestamp


async def deployments_in(
    uow: UnitOfWork, path: RepoPath, window: Window, environment: str
) -> list[dict[str, Any]]:
    """List the deployments finished in a window, with what each shipped."""
    async with uow:
        repo = await existing_repo(uow, path)
        await attribute(uow, repo)
        found = await uow.deployments.finished(
            repo.id, environment, TimeRange(*window.bounds())
        )
        changes = await uow.changes.of_deployments(repo.id, [d.id for d in found])
        await uow.commit()
    by_deployment: dict[str, list[ShippedChange]] = defaultdict(list)
    for change in changes:
        by_deployment[change.deployment_id].append(change)
    return [_summary(d, by_deployment[d.id]) for d in found]


async def deployment(
    uow: UnitOfWork, path: RepoPath, deployment_id: str
) -> dict[str, Any]:
    """Return one deployment with every commit it shipped."""
    async with uow:
        repo = await existing_repo(uow, path)
        found = await uow.deployments.get(repo.id, deployment_id)
        if found is None:
            raise NotFound(f"deployment: {deployment_id!r} does not exist in {path}")
        await attribute(uow, repo)
        changes = await uow.changes.of_deployments(repo.id, [deployment_id])
        await uow.commit()
    shipped = sorted(changes, key=lambda c: (c.committed_at, c.sha))
    return {
        **_summary(found, shipped),
        "shipped": [
            {
                "sha": c.sha,
                "committed_at": timestamp(c.committed_at),
                "lead_time_hours": hours(c.lead_time_seconds()),
            }
            for c in shipped
        ],
    }


async def commit(uow: UnitOfWork, path: RepoPath, sha: str) -> dict[str, Any]:
    """Return a commit and, per environment, the deployment that first shipped it."""
    async with uow:
        repo = await existing_repo(uow, path)
        found = await uow.commits.get(repo.id, sha)
        if found is None:
            raise NotFound(f"commit: {sha!r} does not exist in {path}")
        await attribute(uow, repo)
        changes = await uow.changes.of_commit(repo.id, sha)
        environments = await uow.deployments.environments(repo.id)
        await uow.commit()
    first = {c.environment: c for c in changes}
    return {
        "sha": found.sha,
        "parents": list(found.parents),
        "committed_at": timestamp(found.committed_at),
        "authored_at": timestamp(found.authored_at),
        "deployments": {
            env: _first_shipment(first.get(env))
            for env in sorted(set(environments) | set(first))
        },
    }


def _first_shipment(change: ShippedChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "deployment_id": change.deployment_id,
        "finished_at": timestamp(change.finished_at),
        "baseline": not change.counted,
        "lead_time_hours": hours(change.lead_time_seconds()),
    }


def _summary(
    deployment: Deployment, changes: Sequence[ShippedChange]
) -> dict[str, Any]:
    lead_times = [hours(c.lead_time_seconds()) for c in changes]
    return {
        **deployment_json(deployment),
        "changes": len(changes),
        "lead_time_avg_hours": rounded(mean(lead_times)),
    }
