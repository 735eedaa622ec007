"""Accept platform data: repos, commits and deployments."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from dora.domain.chains import earliest, stale_from
from dora.domain.errors import NotFound
from dora.domain.incidents import Incident
from dora.domain.model import Commit, Deployment, Repo, RepoPath
from dora.ports.repositories import UnitOfWork
from dora.service_layer.attribution import Imported, attribute

logger = logging.getLogger(__name__)


async def put_repo(
    uow: UnitOfWork, path: RepoPath, default_branch: str | None = None
) -> tuple[Repo, bool]:
    """Create the repo (with its org and project) unless it exists."""
    async with uow:
        repo, created = await uow.repos.ensure(path, default_branch)
        await uow.commit()
    return repo, created


async def existing_repo(uow: UnitOfWork, path: RepoPath) -> Repo:
    repo = await uow.repos.get(path)
    if repo is None:
        raise NotFound(f"repo: {str(path)!r} does not exist")
    return repo


async def add_commits(
    uow: UnitOfWork, path: RepoPath, commits: Sequence[Commit]
) -> int:
    """Store the commits not stored yet; return how many were new."""
    async with uow:
        repo = await existing_repo(uow, path)
        inserted = await uow.commits.add(repo.id, commits)
        if inserted:
            await uow.repos.touch(repo.id)
            await uow.attribution.fill_gaps(repo.id, [c.sha for c in commits])
        await uow.commit()
    return inserted


async def record_deployment(
    uow: UnitOfWork, path: RepoPath, deployment: Deployment
) -> tuple[Deployment, bool]:
    """Store a deployment, or update the one with the same id."""
    async with uow:
        repo = await existing_repo(uow, path)
        # Touching first locks the repo, so the stored deployment read next
        # is the one this update replaces.
        await uow.repos.touch(repo.id)
        old = await uow.deployments.get(repo.id, deployment.id)
        if old is not None and deployment.is_late_news_after(old):
            return old, False
        stored, created = await uow.deployments.upsert(repo.id, deployment)
        await uow.attribution.invalidate(repo.id, stale_from(old, stored))
        await uow.commit()
    return stored, created


async def import_history(
    uow: UnitOfWork,
    path: RepoPath,
    commits: Sequence[Commit],
    deployments: Sequence[Deployment],
    incidents: Sequence[Incident] = (),
) -> tuple[int, int]:
    """Load an export in one transaction; return new commits and deployments."""
    async with uow:
        repo, _ = await uow.repos.ensure(path, None)
        await uow.repos.touch(repo.id)
        inserted = await uow.commits.add(repo.id, commits)
        await uow.attribution.fill_gaps(repo.id, [c.sha for c in commits])
        updates = await uow.deployments.upsert_many(repo.id, deployments)
        created = sum(old is None for old, _ in updates)
        stale = earliest(stale_from(old, new) for old, new in updates)
        await uow.attribution.invalidate(repo.id, stale)
        # An import is large: attributing it now spares the first reader.
        stored = [new for _, new in updates]
        await attribute(uow, repo, Imported(_as_stored(commits, inserted), stored))
        for incident in incidents:
            await uow.incidents.upsert(repo.id, incident)
        await uow.commit()
    logger.info(
        "imported %s: %d of %d commits new, %d of %d deployments new",
        path,
        inserted,
        len(commits),
        created,
        len(deployments),
    )
    return inserted, created


def _as_stored(commits: Sequence[Commit], inserted: int) -> dict[str, Commit] | None:
    """Return the commits as stored (the first of each sha) if all were new."""
    first: dict[str, Commit] = {}
    for commit in commits:
        first.setdefault(commit.sha, commit)
    return first if inserted == len(first) else None
