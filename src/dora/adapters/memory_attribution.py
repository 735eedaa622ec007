"""Incremental attribution state in memory, as the SQL adapter keeps it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dora.domain.chains import ChainPosition, Shipment, members_after
from dora.domain.model import Deployment, ShippedChange
from dora.ports.attribution import Found

if TYPE_CHECKING:
    from dora.adapters.memory import MemoryDatabase


class MemoryAttributionStore:
    def __init__(self, db: MemoryDatabase) -> None:
        self.db = db

    async def chains(self, repo_id: int) -> dict[str, ChainPosition | None]:
        return {
            environment: position
            for (repo, environment), position in self.db.chains.items()
            if repo == repo_id
        }

    async def invalidate(self, repo_id: int, stale: dict[str, ChainPosition]) -> None:
        for environment, position in stale.items():
            key = (repo_id, environment)
            attributed = self.db.chains.get(key)
            if attributed is not None and attributed >= position:
                attributed = position.just_before()
            self.db.chains[key] = attributed

    async def fill_gaps(self, repo_id: int, shas: Sequence[str]) -> None:
        wanted = set(shas)
        stale: dict[str, ChainPosition] = {}
        for (repo, environment, sha), position in self.db.gaps.items():
            if repo == repo_id and sha in wanted:
                known = stale.get(environment)
                stale[environment] = position if known is None else min(known, position)
        await self.invalidate(repo_id, stale)

    async def discard_after(
        self, repo_id: int, environment: str, attributed: ChainPosition | None
    ) -> None:
        def stale(change: ShippedChange) -> bool:
            return change.environment == environment and (
                attributed is None or self._position(repo_id, change) > attributed
            )

        changes = self.db.changes.get(repo_id, [])
        self.db.changes[repo_id] = [c for c in changes if not stale(c)]
        self.db.gaps = {
            key: position
            for key, position in self.db.gaps.items()
            if key[:2] != (repo_id, environment)
            or (attributed is not None and position <= attributed)
        }

    def _position(self, repo_id: int, change: ShippedChange) -> ChainPosition:
        seq = self.db.deployments[repo_id][change.deployment_id].seq
        return ChainPosition(change.finished_at, seq)

    async def pending(
        self, repo_id: int, environment: str, attributed: ChainPosition | None
    ) -> list[Deployment]:
        deployments = self.db.deployments[repo_id].values()
        return members_after(deployments, environment, attributed)

    async def count_pending(
        self, repo_id: int, environment: str, attributed: ChainPosition | None
    ) -> int:
        return len(await self.pending(repo_id, environment, attributed))

    async def look_up(self, repo_id: int, environment: str, shas: set[str]) -> Found:
        graph = self.db.commits[repo_id]
        commits = {sha: graph[sha] for sha in shas if sha in graph}
        shipped = await self.shipped(repo_id, environment)
        return Found(commits, shipped & shas)

    async def shipped(self, repo_id: int, environment: str) -> set[str]:
        return {
            c.sha
            for c in self.db.changes.get(repo_id, [])
            if c.environment == environment
        }

    async def record(
        self, repo_id: int, environment: str, shipments: Sequence[Shipment]
    ) -> None:
        changes = self.db.changes.setdefault(repo_id, [])
        for shipment in shipments:
            changes.extend(shipment.changes())
            for sha in shipment.missing:
                key = (repo_id, environment, sha)
                self.db.gaps.setdefault(key, shipment.position)
        if shipments:
            self.db.chains[(repo_id, environment)] = shipments[-1].position
