"""Small builders that keep the SQL adapter tests about behaviour."""

from __future__ import annotations

from dora.domain.model import Deployment, RepoPath, Status
from dora.ports.repositories import TimeRange
from tests.unit.builders import at, commit, sha

__all__ = ["PATH", "at", "commit", "deployment", "january", "sha"]

PATH = RepoPath("acme", "web", "api")


def deployment(
    id: str,
    name: str,
    finished: str | None = "2024-01-02T10:00:00Z",
    *,
    status: Status = Status.SUCCESS,
    environment: str = "production",
    baseline: bool = False,
    url: str | None = None,
) -> Deployment:
    return Deployment(
        id=id,
        sha=sha(name),
        environment=environment,
        status=status,
        finished_at=at(finished) if finished else None,
        started_at=at("2024-01-02T09:30:00+02:00"),
        baseline=baseline,
        url=url,
    )


def january() -> TimeRange:
    return TimeRange(at("2024-01-01T00:00:00Z"), at("2024-02-01T00:00:00Z"))
