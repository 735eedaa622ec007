"""In-memory incidents and the reads of the failure rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from dora.domain.failures import ChainKey, chain_position
from dora.domain.incidents import Incident
from dora.domain.model import Deployment, Status
from dora.ports.failures import IdsByRepo, Lineage, WindowDeployments
from dora.ports.repositories import TimeRange

if TYPE_CHECKING:
    from dora.adapters.memory import MemoryDatabase


class MemoryIncidentRepository:
    def __init__(self, db: MemoryDatabase) -> None:
        self.db = db

    async def upsert(self, repo_id: int, incident: Incident) -> tuple[Incident, bool]:
        stored = self.db.incidents[repo_id]
        created = incident.id not in stored
        stored[incident.id] = incident
        return incident, created

    async def _linked_to(self, wanted: IdsByRepo) -> dict[int, list[Incident]]:
        found = {
            repo_id: [
                i for i in self.db.incidents[repo_id].values() if i.deployment_id in ids
            ]
            for repo_id, ids in _sets(wanted).items()
        }
        return {repo_id: linked for repo_id, linked in found.items() if linked}

    async def around(
        self,
        repo_ids: Sequence[int],
        environment: str,
        window: TimeRange,
        reach: TimeRange,
    ) -> dict[int, list[Incident]]:
        judged = {r: _counted_in(self.db, r, environment, window) for r in repo_ids}
        linked = await self._linked_to(judged)
        unlinked = await self._unlinked(repo_ids, environment, reach)
        found = {r: [*linked.get(r, []), *unlinked.get(r, [])] for r in repo_ids}
        return {repo_id: incidents for repo_id, incidents in found.items() if incidents}

    async def _unlinked(
        self, repo_ids: Sequence[int], environment: str, during: TimeRange
    ) -> dict[int, list[Incident]]:
        found = {
            repo_id: [
                i
                for i in self.db.incidents[repo_id].values()
                if i.deployment_id is None
                and i.environment == environment
                and during.start <= i.started_at < during.end
            ]
            for repo_id in repo_ids
        }
        return {repo_id: unlinked for repo_id, unlinked in found.items() if unlinked}


class MemoryFailureEvidenceReader:
    def __init__(self, db: MemoryDatabase) -> None:
        self.db = db

    async def _chains_around(
        self, repo_ids: Sequence[int], environment: str, during: TimeRange
    ) -> dict[int, list[Deployment]]:
        found = {r: self._chain_around(r, environment, during) for r in repo_ids}
        return {repo_id: chain for repo_id, chain in found.items() if chain}

    def _chain_around(
        self, repo_id: int, environment: str, during: TimeRange
    ) -> list[Deployment]:
        chain = sorted(
            (
                d
                for d in self.db.deployments[repo_id].values()
                if d.in_chain and d.environment == environment
            ),
            key=chain_position,
        )
        inside = [
            i
            for i, d in enumerate(chain)
            if d.finished_at is not None and during.start <= d.finished_at < during.end
        ]
        before = sum(1 for d in chain if d.finished_at and d.finished_at < during.start)
        first = inside[0] if inside else before
        last = inside[-1] if inside else before - 1
        return chain[max(first - 1, 0) : last + 2]

    async def around(
        self,
        repo_ids: Sequence[int],
        environment: str,
        window: TimeRange,
        reach: TimeRange,
    ) -> WindowDeployments:
        judged = {r: _counted_in(self.db, r, environment, window) for r in repo_ids}
        chains = await self._chains_around(repo_ids, environment, reach)
        return WindowDeployments(
            chains=chains,
            remediations=await self._naming(judged),
            failed_attempts=await self._failed_attempts(repo_ids, environment, window),
            idle={r: self._idle(r, environment, chain) for r, chain in chains.items()},
        )

    def _idle(
        self, repo_id: int, environment: str, chain: Sequence[Deployment]
    ) -> set[str]:
        shipping = {
            c.deployment_id
            for c in self.db.changes.get(repo_id, [])
            if c.environment == environment
        }
        return {d.id for d in chain if d.id not in shipping}

    async def first_shipped(
        self, environment: str, wanted: IdsByRepo
    ) -> dict[tuple[int, str], ChainKey]:
        found: dict[tuple[int, str], ChainKey] = {}
        for repo_id, shas in wanted.items():
            shipped_by = self._shipped_by(repo_id, environment)
            found.update({(repo_id, s): shipped_by[s] for s in shas if s in shipped_by})
        return found

    async def _naming(self, wanted: IdsByRepo) -> dict[int, list[Deployment]]:
        found = {
            repo_id: [
                d for d in self.db.deployments[repo_id].values() if d.remediates in ids
            ]
            for repo_id, ids in _sets(wanted).items()
        }
        return {repo_id: naming for repo_id, naming in found.items() if naming}

    async def by_ids(self, wanted: IdsByRepo) -> dict[int, list[Deployment]]:
        found = {
            repo_id: [
                self.db.deployments[repo_id][i]
                for i in dict.fromkeys(ids)
                if i in self.db.deployments[repo_id]
            ]
            for repo_id, ids in wanted.items()
        }
        return {repo_id: named for repo_id, named in found.items() if named}

    async def _failed_attempts(
        self, repo_ids: Sequence[int], environment: str, during: TimeRange
    ) -> list[datetime]:
        return [
            d.finished_at
            for repo_id in repo_ids
            for d in self.db.deployments[repo_id].values()
            if d.status is Status.FAILURE
            and d.environment == environment
            and d.finished_at is not None
            and during.start <= d.finished_at < during.end
        ]

    async def lineage_shipped(
        self, repo_id: int, environment: str, since: ChainKey, until: ChainKey
    ) -> dict[str, Lineage]:
        commits = self.db.commits[repo_id]
        return {
            sha: Lineage(commits[sha].parents, position)
            for sha, position in self._shipped_by(repo_id, environment).items()
            if since <= position <= until and sha in commits
        }

    def _shipped_by(self, repo_id: int, environment: str) -> dict[str, ChainKey]:
        deployments = self.db.deployments[repo_id]
        return {
            c.sha: (c.finished_at, deployments[c.deployment_id].seq)
            for c in self.db.changes.get(repo_id, [])
            if c.environment == environment and c.deployment_id in deployments
        }


def _counted_in(
    db: MemoryDatabase, repo_id: int, environment: str, window: TimeRange
) -> list[str]:
    """Return the ids of the counted chain members finished in the window."""
    return [
        d.id
        for d in db.deployments[repo_id].values()
        if d.counted
        and d.environment == environment
        and d.finished_at is not None
        and window.start <= d.finished_at < window.end
    ]


def _sets(wanted: IdsByRepo) -> dict[int, set[str]]:
    return {repo_id: set(ids) for repo_id, ids in wanted.items()}
