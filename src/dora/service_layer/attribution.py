"""Keep the stored record of which deployment shipped which commit current."""

from __future__ import annotations

from collections import defaultdict

from dora.domain.model import Deployment, Repo
from dora.domain.shipping import ship_chain
from dora.ports.repositories import UnitOfWork


async def attribute(uow: UnitOfWork, repo: Repo) -> None:
    """Bring the repo's attribution up to date with its data, if it is not."""
    version = await uow.repos.lock_for_attribution(repo.id)
    if await uow.repos.attributed_version(repo.id) == version:
        return
    graph = await uow.commits.graph(repo.id)
    chains: dict[str, list[Deployment]] = defaultdict(list)
    for deployment in await uow.deployments.of_repo(repo.id):
        chains[deployment.environment].append(deployment)
    changes = [
        change for chain in chains.values() for change in ship_chain(chain, graph)
    ]
    await uow.changes.replace(repo.id, changes)
    await uow.repos.mark_attributed(repo.id, version)
