"""Which commits each deployment ships: the chain rule of lead time.

Deployments of one repo to one environment form a chain ordered by finish
time (ties by the order received). A deployment ships every commit reachable
from its sha that no earlier deployment of the chain could reach, so each
commit is shipped once per environment, by the first deployment holding it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableSet
from typing import Protocol

from dora.domain.model import Commit, Deployment, ShippedChange


class CommitGraph(Protocol):
    """Look-up of a repo's commits by sha; `None` for an unknown sha."""

    def get(self, sha: str, /) -> Commit | None: ...


def chain_order(deployments: Iterable[Deployment]) -> list[Deployment]:
    """Return the deployments that take part in a chain, in chain order."""
    members = [d for d in deployments if d.in_chain]
    return sorted(members, key=chain_key)


def chain_key(deployment: Deployment) -> tuple[float, int]:
    assert deployment.finished_at is not None
    return (deployment.finished_at.timestamp(), deployment.seq)


def newly_reachable(
    sha: str,
    graph: CommitGraph,
    shipped: MutableSet[str],
    missing: MutableSet[str] | None = None,
) -> Iterator[Commit]:
    """Yield the commits reachable from `sha` that are not yet in `shipped`.

    Every yielded sha is added to `shipped`. Reachable sets are closed under
    ancestry, so the walk stops at the first shipped commit of every path; a
    parent that is not a known commit (shallow history) ends its path too,
    and is added to `missing` when given.
    """
    stack = [sha]
    # Bound once: an import walks every commit of its history through here.
    get, pop, push = graph.get, stack.pop, stack.extend
    while stack:
        current = pop()
        if current in shipped:
            continue
        commit = get(current)
        if commit is None:
            if missing is not None:
                missing.add(current)
            continue
        shipped.add(current)
        yield commit
        push(commit.parents)


def ship(
    deployment: Deployment, graph: CommitGraph, shipped: MutableSet[str]
) -> list[ShippedChange]:
    """Return the changes one deployment ships, given what was shipped before."""
    assert deployment.finished_at is not None
    finished_at = deployment.finished_at
    return [
        ShippedChange(
            sha=commit.sha,
            environment=deployment.environment,
            deployment_id=deployment.id,
            finished_at=finished_at,
            committed_at=commit.committed_at,
            authored_at=commit.authored_at,
            counted=not deployment.baseline,
        )
        for commit in newly_reachable(deployment.sha, graph, shipped)
    ]


def ship_chain(
    deployments: Iterable[Deployment], graph: CommitGraph
) -> list[ShippedChange]:
    """Attribute every commit of one environment's chain from scratch."""
    shipped: set[str] = set()
    changes: list[ShippedChange] = []
    for deployment in chain_order(deployments):
        changes.extend(ship(deployment, graph, shipped))
    return changes
