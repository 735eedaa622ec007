"""In-memory adapters: the fakes behind the fast tests and a quick demo.

A unit of work stages nothing: the use cases check every item before they
write, so a failed request has written nothing by the time it fails.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Self

from dora.adapters.memory_attribution import MemoryAttributionStore
from dora.adapters.memory_failures import (
    MemoryFailureEvidenceReader,
    MemoryIncidentRepository,
)
from dora.domain import lead_times
from dora.domain.chains import ChainPosition
from dora.domain.incidents import Incident
from dora.domain.lead_times import LeadTimes
from dora.domain.metrics import (
    Change,
    DayTally,
    DeployedAt,
    LeadTimeFrom,
    tally_days,
)
from dora.domain.model import (
    Commit,
    Deployment,
    Repo,
    RepoPath,
    Scope,
    ScopeType,
    ShippedChange,
)
from dora.domain.shipping import chain_key
from dora.domain.window import Granularity, Window
from dora.ports.repositories import (
    ScopeVersion,
    Snapshot,
    SnapshotKey,
    StoredAnswer,
    TimeRange,
)


@dataclass
class MemoryDatabase:
    repos: dict[RepoPath, Repo] = field(default_factory=dict)
    versions: dict[int, int] = field(default_factory=dict)
    attributed: dict[int, int] = field(default_factory=dict)
    commits: dict[int, dict[str, Commit]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    deployments: dict[int, dict[str, Deployment]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    changes: dict[int, list[ShippedChange]] = field(default_factory=dict)
    chains: dict[tuple[int, str], ChainPosition | None] = field(default_factory=dict)
    gaps: dict[tuple[int, str, str], ChainPosition] = field(default_factory=dict)
    snapshots: dict[SnapshotKey, Snapshot] = field(default_factory=dict)
    incidents: dict[int, dict[str, Incident]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    sequence: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def next_seq(self) -> int:
        self.sequence += 1
        return self.sequence


class MemoryRepoCatalog:
    def __init__(self, db: MemoryDatabase) -> None:
        self.db = db

    async def ensure(
        self, path: RepoPath, default_branch: str | None
    ) -> tuple[Repo, bool]:
        if path in self.db.repos:
            return self.db.repos[path], False
        repo = Repo(self.db.next_seq(), path, default_branch)
        self.db.repos[path] = repo
        self.db.versions[repo.id] = 0
        return repo, True

    async def get(self, path: RepoPath) -> Repo | None:
        return self.db.repos.get(path)

    async def in_scope(self, scope: Scope) -> list[Repo] | None:
        depth = {ScopeType.ORG: 1, ScopeType.PROJECT: 2, ScopeType.REPO: 3}
        parts = tuple(scope.path.split("/"))
        repos = [
            repo
            for path, repo in self.db.repos.items()
            if (path.org, path.project, path.repo)[: depth[scope.type]] == parts
        ]
        return sorted(repos, key=lambda r: r.id) if repos else None

    async def touch(self, repo_id: int) -> None:
        self.db.versions[repo_id] += 1

    async def attributed_version(self, repo_id: int) -> int | None:
        return self.db.attributed.get(repo_id)

    async def lock_for_attribution(self, repo_id: int) -> int:
        return self.db.versions[repo_id]

    async def lock_unattributed(self, repo_ids: Sequence[int]) -> list[int]:
        return [i for i in repo_ids if self.db.attributed.get(i) != self.db.versions[i]]

    async def mark_attributed(self, repo_id: int, version: int) -> None:
        self.db.attributed[repo_id] = version


class MemoryCommitRepository:
    def __init__(self, db: MemoryDatabase) -> None:
        self.db = db

    async def add(self, repo_id: int, commits: Sequence[Commit]) -> int:
        stored = self.db.commits[repo_id]
        inserted = 0
        for commit in commits:
            if commit.sha not in stored:
                stored[commit.sha] = commit
                inserted += 1
        return inserted

    async def get(self, repo_id: int, sha: str) -> Commit | None:
        return self.db.commits[repo_id].get(sha)

    async def graph(self, repo_id: int) -> Mapping[str, Commit]:
        return self.db.commits[repo_id]


class MemoryDeploymentRepository:
    def __init__(self, db: MemoryDatabase) -> None:
        self.db = db

    async def upsert(
        self, repo_id: int, deployment: Deployment
    ) -> tuple[Deployment, bool]:
        stored = self.db.deployments[repo_id]
        existing = stored.get(deployment.id)
        seq = existing.seq if existing else self.db.next_seq()
        stored[deployment.id] = dataclasses.replace(deployment, seq=seq)
        return stored[deployment.id], existing is None

    async def upsert_many(
        self, repo_id: int, deployments: Sequence[Deployment]
    ) -> list[tuple[Deployment | None, Deployment]]:
        before = {d.id: self.db.deployments[repo_id].get(d.id) for d in deployments}
        for deployment in deployments:
            await self.upsert(repo_id, deployment)
        stored = self.db.deployments[repo_id]
        return [(old, stored[deployment_id]) for deployment_id, old in before.items()]

    async def get(self, repo_id: int, deployment_id: str) -> Deployment | None:
        return self.db.deployments[repo_id].get(deployment_id)

    async def of_repo(self, repo_id: int) -> list[Deployment]:
        return list(self.db.deployments[repo_id].values())

    async def counted(
        self, repo_ids: Sequence[int], environment: str, during: TimeRange
    ) -> list[DeployedAt]:
        return [
            DeployedAt(d.finished_at, d.sha in self.db.commits[repo_id])
            for repo_id in repo_ids
            for d in self.db.deployments[repo_id].values()
            if d.counted
            and d.environment == environment
            and d.finished_at is not None
            and during.start <= d.finished_at < during.end
        ]

    async def day_tallies(
        self, repo_ids: Sequence[int], environment: str, window: Window
    ) -> list[DayTally]:
        during = TimeRange(*window.bounds())
        return tally_days(window, await self.counted(repo_ids, environment, during))

    async def finished(
        self, repo_id: int, environment: str, during: TimeRange
    ) -> list[Deployment]:
        found = [
            d
            for d in self.db.deployments[repo_id].values()
            if d.environment == environment
            and d.finished_at is not None
            and during.start <= d.finished_at < during.end
        ]
        return sorted(found, key=chain_key)

    async def environments(self, repo_id: int) -> list[str]:
        return sorted({d.environment for d in self.db.deployments[repo_id].values()})


class MemoryShippedChangeRepository:
    def __init__(self, db: MemoryDatabase) -> None:
        self.db = db

    async def replace(self, repo_id: int, changes: Sequence[ShippedChange]) -> None:
        self.db.changes[repo_id] = list(changes)

    async def lead_times(
        self,
        repo_ids: Sequence[int],
        environment: str,
        during: TimeRange,
        start: LeadTimeFrom,
    ) -> list[Change]:
        authored = start is LeadTimeFrom.AUTHORED
        return [
            Change.between(c.finished_at, c.authored_at if authored else c.committed_at)
            for repo_id in repo_ids
            for c in self.db.changes.get(repo_id, [])
            if c.counted
            and c.environment == environment
            and during.start <= c.finished_at < during.end
        ]

    async def lead_time_figures(
        self,
        repo_ids: Sequence[int],
        environment: str,
        window: Window,
        granularity: Granularity,
        start: LeadTimeFrom,
    ) -> LeadTimes:
        during = TimeRange(*window.bounds())
        changes = await self.lead_times(repo_ids, environment, during, start)
        return lead_times.summarize(window, granularity, changes)

    async def of_deployments(
        self, repo_id: int, deployment_ids: Sequence[str]
    ) -> list[ShippedChange]:
        wanted = set(deployment_ids)
        return [
            c for c in self.db.changes.get(repo_id, []) if c.deployment_id in wanted
        ]

    async def of_commit(self, repo_id: int, sha: str) -> list[ShippedChange]:
        return [c for c in self.db.changes.get(repo_id, []) if c.sha == sha]


class MemorySnapshotRepository:
    def __init__(self, db: MemoryDatabase) -> None:
        self.db = db

    async def get(self, key: SnapshotKey) -> Snapshot | None:
        return self.db.snapshots.get(key)

    async def with_version(
        self, key: SnapshotKey, repo_ids: Sequence[int]
    ) -> tuple[Snapshot | None, ScopeVersion]:
        versions = [self.db.versions[repo_id] for repo_id in repo_ids]
        return self.db.snapshots.get(key), ScopeVersion(len(versions), sum(versions))

    async def stored_text(self, key: SnapshotKey) -> StoredAnswer | None:
        snapshot = self.db.snapshots.get(key)
        if snapshot is None:
            return None
        repos = await MemoryRepoCatalog(self.db).in_scope(key.scope) or []
        versions = [self.db.versions[repo.id] for repo in repos]
        scope = ScopeVersion(len(versions), sum(versions))
        return StoredAnswer(snapshot.data_version, scope, json.dumps(snapshot.answer))

    async def put(self, snapshot: Snapshot) -> None:
        self.db.snapshots[snapshot.key] = snapshot


class MemoryUnitOfWork:
    def __init__(self, db: MemoryDatabase) -> None:
        self.db = db
        self.repos = MemoryRepoCatalog(db)
        self.commits = MemoryCommitRepository(db)
        self.deployments = MemoryDeploymentRepository(db)
        self.changes = MemoryShippedChangeRepository(db)
        self.snapshots = MemorySnapshotRepository(db)
        self.incidents = MemoryIncidentRepository(db)
        self.failures = MemoryFailureEvidenceReader(db)
        self.attribution = MemoryAttributionStore(db)
        self.committed = False

    async def __aenter__(self) -> Self:
        await self.db.lock.acquire()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.db.lock.release()

    async def commit(self) -> None:
        self.committed = True

    async def rollback(self) -> None:
        """Nothing to undo: use cases validate before they write."""

    async def ping(self) -> None:
        """Memory always answers."""
