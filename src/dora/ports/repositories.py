"""Repository protocols over the platform data and the computed tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, Self

from dora.domain.lead_times import LeadTimes
from dora.domain.metrics import Change, DayTally, DeployedAt, LeadTimeFrom
from dora.domain.model import (
    Commit,
    Deployment,
    Repo,
    RepoPath,
    Scope,
    ShippedChange,
)
from dora.domain.window import Granularity, Window
from dora.ports.attribution import AttributionStore

if TYPE_CHECKING:
    # The failure ports read time ranges declared here.
    from dora.ports.failures import FailureEvidenceReader, IncidentRepository


@dataclass(frozen=True)
class TimeRange:
    """Instants `start` (inclusive) to `end` (exclusive), in UTC."""

    start: datetime
    end: datetime


class RepoCatalog(Protocol):
    async def ensure(
        self, path: RepoPath, default_branch: str | None
    ) -> tuple[Repo, bool]:
        """Return the repo, creating it (and its org and project) if missing."""

    async def get(self, path: RepoPath) -> Repo | None: ...

    async def in_scope(self, scope: Scope) -> list[Repo] | None:
        """Return the repos beneath a scope, or `None` if the scope is unknown."""

    async def touch(self, repo_id: int) -> None:
        """Record that data of the repo changed."""

    async def attributed_version(self, repo_id: int) -> int | None:
        """Return the data version the stored attribution was computed at."""

    async def lock_for_attribution(self, repo_id: int) -> int:
        """Serialize attribution of a repo; return its current data version."""

    async def mark_attributed(self, repo_id: int, version: int) -> None: ...

    async def lock_unattributed(self, repo_ids: Sequence[int]) -> list[int]:
        """Lock the repos as `lock_for_attribution` does; return those behind."""


class CommitRepository(Protocol):
    async def add(self, repo_id: int, commits: Sequence[Commit]) -> int:
        """Store the commits whose sha is new; return how many were new."""

    async def get(self, repo_id: int, sha: str) -> Commit | None: ...

    async def graph(self, repo_id: int) -> Mapping[str, Commit]:
        """Return every commit of the repo by sha."""


class DeploymentRepository(Protocol):
    async def upsert(
        self, repo_id: int, deployment: Deployment
    ) -> tuple[Deployment, bool]:
        """Store or update a deployment by id; return it and whether it is new."""

    async def upsert_many(
        self, repo_id: int, deployments: Sequence[Deployment]
    ) -> list[tuple[Deployment | None, Deployment]]:
        """Upsert in bulk as `upsert` one by one would; return old and new states.

        A deployment repeated in the batch is stored once, as last given.
        """

    async def get(self, repo_id: int, deployment_id: str) -> Deployment | None: ...

    async def of_repo(self, repo_id: int) -> list[Deployment]:
        """Return every deployment of the repo, all environments."""

    async def counted(
        self, repo_ids: Sequence[int], environment: str, during: TimeRange
    ) -> list[DeployedAt]:
        """Return the counted deployments that finished during the range."""

    async def day_tallies(
        self, repo_ids: Sequence[int], environment: str, window: Window
    ) -> list[DayTally]:
        """Count the counted deployments of each day of the window, as `tally_days`.

        In order of days; days without any are left out.
        """

    async def finished(
        self, repo_id: int, environment: str, during: TimeRange
    ) -> list[Deployment]:
        """Return the repo's deployments of any status finished in the range."""

    async def environments(self, repo_id: int) -> list[str]:
        """Return the environments the repo was ever deployed to."""


class ShippedChangeRepository(Protocol):
    async def replace(self, repo_id: int, changes: Sequence[ShippedChange]) -> None:
        """Replace the repo's whole attribution with `changes`."""

    async def lead_times(
        self,
        repo_ids: Sequence[int],
        environment: str,
        during: TimeRange,
        start: LeadTimeFrom,
    ) -> list[Change]:
        """Return the counted changes deployed during the range."""

    async def lead_time_figures(
        self,
        repo_ids: Sequence[int],
        environment: str,
        window: Window,
        granularity: Granularity,
        start: LeadTimeFrom,
    ) -> LeadTimes:
        """Summarize the counted changes of the window, as `lead_times.summarize`."""

    async def of_deployments(
        self, repo_id: int, deployment_ids: Sequence[str]
    ) -> list[ShippedChange]:
        """Return the changes those deployments shipped."""

    async def of_commit(self, repo_id: int, sha: str) -> list[ShippedChange]:
        """Return the first shipment of a commit to each environment."""


@dataclass(frozen=True)
class SnapshotKey:
    scope: Scope
    period_start: str
    period_end: str
    environment: str
    granularity: str
    tz: str
    lead_time_from: str


@dataclass(frozen=True)
class Snapshot:
    key: SnapshotKey
    data_version: str
    answer: dict[str, Any]
    computed_at: datetime


@dataclass(frozen=True)
class ScopeVersion:
    """How many repos a scope has, and the sum of their data versions.

    Every accepted write raises its repo's version and no version ever falls,
    so the pair changes whenever any data of the scope does.
    """

    repos: int
    total: int

    def token(self) -> str:
        return f"{self.repos}:{self.total}"


@dataclass(frozen=True)
class StoredAnswer:
    """A snapshot's answer as stored JSON text, beside its scope's version now."""

    data_version: str
    scope: ScopeVersion
    text: str

    @property
    def fresh(self) -> bool:
        return self.data_version == self.scope.token()


class SnapshotRepository(Protocol):
    async def get(self, key: SnapshotKey) -> Snapshot | None: ...

    async def with_version(
        self, key: SnapshotKey, repo_ids: Sequence[int]
    ) -> tuple[Snapshot | None, ScopeVersion]:
        """Return the snapshot, if any, and the version of these repos now."""

    async def stored_text(self, key: SnapshotKey) -> StoredAnswer | None:
        """Read the answer undecoded and the scope's version in one look-up."""

    async def put(self, snapshot: Snapshot) -> None:
        """Store the snapshot, replacing any of the same key."""


class UnitOfWork(Protocol):
    """One transaction over every repository; nothing persists uncommitted."""

    repos: RepoCatalog
    commits: CommitRepository
    deployments: DeploymentRepository
    changes: ShippedChangeRepository
    snapshots: SnapshotRepository
    incidents: IncidentRepository
    failures: FailureEvidenceReader
    attribution: AttributionStore

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

    async def ping(self) -> None:
        """Raise `Unavailable` unless the storage answers."""


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
