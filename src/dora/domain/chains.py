"""Positions in a chain, and what a change of data makes stale in it.

Attribution is kept incrementally: each chain remembers the position up to
which its stored shipments are valid. Data that lands at or before that
position makes everything from there on stale; data after it only extends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from dora.domain.model import Commit, Deployment, ShippedChange
from dora.domain.shipping import CommitGraph, chain_order, newly_reachable


@dataclass(frozen=True, order=True)
class ChainPosition:
    """Where a deployment sits in its chain: finish time, then order received."""

    finished_at: datetime
    seq: int

    @classmethod
    def of(cls, deployment: Deployment) -> ChainPosition:
        assert deployment.finished_at is not None, "only chain members have one"
        return cls(deployment.finished_at, deployment.seq)

    def just_before(self) -> ChainPosition:
        """Return the last position before this one: `seq` is an integer."""
        return ChainPosition(self.finished_at, self.seq - 1)


def stale_from(
    old: Deployment | None, new: Deployment | None
) -> dict[str, ChainPosition]:
    """Return, per environment, the first position an update makes stale.

    A new chain member stales only what follows it (usually nothing); one that
    leaves, moves or changes its sha or baseline stales its old place as well.
    """
    if old is not None and new is not None and _same_in_chain(old, new):
        return {}
    positions: dict[str, ChainPosition] = {}
    for deployment in (old, new):
        if deployment is None or not deployment.in_chain:
            continue
        here = ChainPosition.of(deployment)
        known = positions.get(deployment.environment)
        positions[deployment.environment] = here if known is None else min(known, here)
    return positions


def _same_in_chain(old: Deployment, new: Deployment) -> bool:
    def key(d: Deployment) -> tuple[object, ...]:
        return (d.in_chain, d.environment, d.sha, d.finished_at, d.baseline, d.seq)

    return key(old) == key(new)


def earliest(positions: Iterable[dict[str, ChainPosition]]) -> dict[str, ChainPosition]:
    """Merge per-environment positions, keeping the earliest of each."""
    merged: dict[str, ChainPosition] = {}
    for each in positions:
        for environment, position in each.items():
            known = merged.get(environment)
            merged[environment] = position if known is None else min(known, position)
    return merged


def members_after(
    deployments: Iterable[Deployment],
    environment: str,
    attributed: ChainPosition | None,
) -> list[Deployment]:
    """Return the environment's chain members after `attributed`, in chain order."""
    members = chain_order(d for d in deployments if d.environment == environment)
    if attributed is None:
        return members
    return [d for d in members if ChainPosition.of(d) > attributed]


@dataclass(frozen=True)
class Shipment:
    """What one deployment newly ships, and the unknown shas its walk hit."""

    deployment: Deployment
    commits: list[Commit]
    missing: frozenset[str] = frozenset()

    @property
    def position(self) -> ChainPosition:
        return ChainPosition.of(self.deployment)

    def changes(self) -> list[ShippedChange]:
        deployment = self.deployment
        assert deployment.finished_at is not None
        return [
            ShippedChange(
                sha=commit.sha,
                environment=deployment.environment,
                deployment_id=deployment.id,
                finished_at=deployment.finished_at,
                committed_at=commit.committed_at,
                authored_at=commit.authored_at,
                counted=not deployment.baseline,
            )
            for commit in self.commits
        ]


def ship_in_memory(
    members: Iterable[Deployment], graph: CommitGraph, shipped: set[str]
) -> Iterator[Shipment]:
    """Walk chain members, given in chain order, over a graph held in memory."""
    for deployment in members:
        missing: set[str] = set()
        commits = list(newly_reachable(deployment.sha, graph, shipped, missing))
        # Most walks miss nothing: those share the default, one object fewer.
        if missing:
            yield Shipment(deployment, commits, frozenset(missing))
        else:
            yield Shipment(deployment, commits)
