"""Accept incidents: trouble in an environment, maybe blamed on a deployment."""

from __future__ import annotations

from dora.domain.incidents import Incident
from dora.domain.model import RepoPath
from dora.ports.repositories import UnitOfWork
from dora.service_layer.ingest import existing_repo


async def record_incident(
    uow: UnitOfWork, path: RepoPath, incident: Incident
) -> tuple[Incident, bool]:
    """Store an incident, or replace the one with the same id (to resolve it)."""
    async with uow:
        repo = await existing_repo(uow, path)
        # A new or resolved incident changes the figures: stored answers of
        # the repo's scopes must not be served again.
        await uow.repos.touch(repo.id)
        stored, created = await uow.incidents.upsert(repo.id, incident)
        await uow.commit()
    return stored, created
