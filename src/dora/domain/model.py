"""Value objects of the platform data the metrics are computed from."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime

from dora.domain.errors import InvalidParameter

SLUG = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
DEFAULT_ENVIRONMENT = "production"


class Status(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    RUNNING = "running"
    CANCELED = "canceled"


class ScopeType(enum.StrEnum):
    REPO = "repo"
    PROJECT = "project"
    ORG = "org"


@dataclass(frozen=True)
class RepoPath:
    """The `org/project/repo` address of a repository."""

    org: str
    project: str
    repo: str

    @classmethod
    def parse(cls, text: str, field_name: str = "repo") -> RepoPath:
        parts = text.split("/")
        if len(parts) != 3 or not all(SLUG.fullmatch(part) for part in parts):
            raise InvalidParameter(
                f"{field_name}: {text!r} is not a path org/project/repo of slugs"
            )
        return cls(*parts)

    def __str__(self) -> str:
        return f"{self.org}/{self.project}/{self.repo}"


@dataclass(frozen=True)
class Scope:
    """A repo, project or org, by its path."""

    type: ScopeType
    path: str

    @classmethod
    def parse(cls, scope_type: str, path: str) -> Scope:
        try:
            kind = ScopeType(scope_type)
        except ValueError:
            raise InvalidParameter(
                f"scope: {scope_type!r} is not one of repo, project, org"
            ) from None
        depth = {ScopeType.ORG: 1, ScopeType.PROJECT: 2, ScopeType.REPO: 3}[kind]
        parts = path.split("/")
        if len(parts) != depth or not all(SLUG.fullmatch(part) for part in parts):
            article = "an" if kind is ScopeType.ORG else "a"
            raise InvalidParameter(
                f"id: {path!r} is not the path of {article} {kind.value}"
            )
        return cls(kind, path)


@dataclass(frozen=True)
class Repo:
    id: int
    path: RepoPath
    default_branch: str | None = None


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    committed_at: datetime
    authored_at: datetime


@dataclass(frozen=True)
class Deployment:
    """A rollout of one commit of a repo to one environment.

    `seq` is the order in which the service first received it; it breaks ties
    between deployments that finished at the same instant.
    """

    id: str
    sha: str
    environment: str
    status: Status
    finished_at: datetime | None
    started_at: datetime | None = None
    baseline: bool = False
    seq: int = 0
    url: str | None = field(default=None, compare=False)
    # The id of an earlier deployment of the environment this one fixes forward.
    remediates: str | None = None

    def is_late_news_after(self, stored: Deployment | None) -> bool:
        """Whether this is a `running` report of a rollout that already ended.

        Pipelines report out of order; such a report must not undo the end.
        """
        return (
            stored is not None
            and self.status is Status.RUNNING
            and stored.status is not Status.RUNNING
            and stored.sha == self.sha
            and stored.environment == self.environment
        )

    @property
    def in_chain(self) -> bool:
        """Whether it takes part in its environment's chain of deployments."""
        return self.status is Status.SUCCESS and self.finished_at is not None

    @property
    def counted(self) -> bool:
        """Whether it counts in the metrics (a non-baseline success)."""
        return self.in_chain and not self.baseline


@dataclass(frozen=True)
class ShippedChange:
    """A commit as first shipped to an environment by one deployment."""

    sha: str
    environment: str
    deployment_id: str
    finished_at: datetime
    committed_at: datetime
    authored_at: datetime
    counted: bool

    def lead_time_seconds(self, from_authored: bool = False) -> float:
        """Time from commit (or authoring) to deployment; negative on skew."""
        start = self.authored_at if from_authored else self.committed_at
        return (self.finished_at - start).total_seconds()
