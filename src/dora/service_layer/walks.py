"""Walk what one deployment newly ships without loading the commit graph."""

from __future__ import annotations

from dora.domain.chains import Shipment
from dora.domain.model import Commit, Deployment
from dora.ports.attribution import AttributionStore

# A walk deeper than this is a long branch or a first deployment: reading
# the whole graph once costs less than this many more round trips.
MAX_ROUNDS = 24


class TooDeep(Exception):
    """The walk needs more look-ups than loading the graph would cost."""


async def walk_by_sha(
    store: AttributionStore,
    repo_id: int,
    deployment: Deployment,
    shipped_now: set[str],
) -> Shipment:
    """Find the commits the deployment reaches that its chain never shipped.

    The walk goes breadth first, one look-up per generation of parents, and
    stops at shipped commits (stored, or in `shipped_now`) and unknown shas.
    """
    found: dict[str, Commit] = {}
    missing: set[str] = set()
    frontier = {deployment.sha} - shipped_now
    rounds = 0
    while frontier:
        if rounds == MAX_ROUNDS:
            raise TooDeep(deployment.id)
        rounds += 1
        result = await store.look_up(repo_id, deployment.environment, frontier)
        parents: set[str] = set()
        for sha in frontier - result.shipped:
            commit = result.commits.get(sha)
            if commit is None:
                missing.add(sha)
                continue
            found[sha] = commit
            parents.update(commit.parents)
        frontier = parents - found.keys() - missing - shipped_now
    return Shipment(deployment, list(found.values()), frozenset(missing))
