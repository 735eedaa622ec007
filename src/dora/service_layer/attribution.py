"""Keep the stored record of which deployment shipped which commit current.

Each chain extends its stored attribution from the position it was valid up
to; writes of data that land at or before that position move it back (see
`dora.domain.chains`). A few new deployments are walked sha by sha with
batched look-ups; many, or a walk that runs deep, load the graph instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dora.domain.chains import (
    ChainPosition,
    Shipment,
    members_after,
    ship_in_memory,
)
from dora.domain.model import Commit, Deployment, Repo
from dora.ports.attribution import AttributionStore
from dora.ports.repositories import UnitOfWork
from dora.service_layer.walks import TooDeep, walk_by_sha

logger = logging.getLogger(__name__)

# From this many new members on, one read of the whole graph is cheaper than
# a few look-ups per member.
GRAPH_FROM = 48


@dataclass(frozen=True)
class Imported:
    """What an import just stored, exactly as stored, so as not to read it back.

    `commits` are given only when all of them were new; `deployments` are
    every deployment the import stored.
    """

    commits: Mapping[str, Commit] | None
    deployments: Sequence[Deployment]


async def attribute(
    uow: UnitOfWork, repo: Repo, imported: Imported | None = None
) -> None:
    """Bring the repo's attribution up to date with its data, if it is not.

    A walk over `imported` commits that meets no other stored commit spares
    reading the whole graph back; `imported` deployments that are all of a
    chain's pending members spare reading those back.
    """
    version = await uow.repos.lock_for_attribution(repo.id)
    if await uow.repos.attributed_version(repo.id) == version:
        return
    for environment, attributed in (await uow.attribution.chains(repo.id)).items():
        await extend(uow, repo, environment, attributed, imported)
    await uow.repos.mark_attributed(repo.id, version)


async def attribute_all(uow: UnitOfWork, repos: Sequence[Repo]) -> None:
    """Bring every repo's attribution up to date; one look-up finds those behind.

    A scope of many repos would otherwise cost two round trips per repo.
    """
    behind = set(await uow.repos.lock_unattributed([repo.id for repo in repos]))
    for repo in repos:
        if repo.id in behind:
            await attribute(uow, repo)


async def extend(
    uow: UnitOfWork,
    repo: Repo,
    environment: str,
    attributed: ChainPosition | None,
    imported: Imported | None = None,
) -> None:
    """Attribute the chain's members after `attributed`, dropping stale ones."""
    began = time.perf_counter()
    store = uow.attribution
    await store.discard_after(repo.id, environment, attributed)
    pending = await _pending(store, repo.id, environment, attributed, imported)
    if not pending:
        return
    if attributed is None or len(pending) >= GRAPH_FROM:
        known = None if imported is None else imported.commits
        shipments = await _over_graph(uow, repo.id, environment, pending, set(), known)
    else:
        shipments = await _by_sha(uow, repo.id, environment, pending)
    await store.record(repo.id, environment, shipments)
    logger.info(
        "attributed %s %s: %d deployments from %s, %d changes in %.1f ms",
        repo.path,
        environment,
        len(pending),
        "the start" if attributed is None else attributed.finished_at.isoformat(),
        sum(len(s.commits) for s in shipments),
        (time.perf_counter() - began) * 1000,
    )


async def _pending(
    store: AttributionStore,
    repo_id: int,
    environment: str,
    attributed: ChainPosition | None,
    imported: Imported | None,
) -> list[Deployment]:
    """Return the chain's pending members; count, not read, imported ones."""
    if imported is not None:
        members = members_after(imported.deployments, environment, attributed)
        # The imported deployments are stored: as many stored members as
        # imported ones means they are the same.
        if await store.count_pending(repo_id, environment, attributed) == len(members):
            return members
    return await store.pending(repo_id, environment, attributed)


async def _by_sha(
    uow: UnitOfWork, repo_id: int, environment: str, pending: list[Deployment]
) -> list[Shipment]:
    shipments: list[Shipment] = []
    shipped_now: set[str] = set()
    for index, deployment in enumerate(pending):
        try:
            shipment = await walk_by_sha(
                uow.attribution, repo_id, deployment, shipped_now
            )
        except TooDeep:
            rest = pending[index:]
            shipments += await _over_graph(uow, repo_id, environment, rest, shipped_now)
            return shipments
        shipments.append(shipment)
        shipped_now.update(commit.sha for commit in shipment.commits)
    return shipments


async def _over_graph(
    uow: UnitOfWork,
    repo_id: int,
    environment: str,
    pending: list[Deployment],
    shipped_now: set[str],
    known: Mapping[str, Commit] | None = None,
) -> list[Shipment]:
    shipped = await uow.attribution.shipped(repo_id, environment) | shipped_now
    if known is not None:
        shipments = list(ship_in_memory(pending, known, set(shipped)))
        if not await _met_stored(uow, repo_id, environment, shipments):
            return shipments
    graph = await uow.commits.graph(repo_id)
    return list(ship_in_memory(pending, graph, shipped))


async def _met_stored(
    uow: UnitOfWork, repo_id: int, environment: str, shipments: list[Shipment]
) -> bool:
    """Whether a walk stopped at a sha that is a stored commit after all."""
    missing = set().union(*(shipment.missing for shipment in shipments))
    if not missing:
        return False
    found = await uow.attribution.look_up(repo_id, environment, missing)
    return bool(found.commits)
