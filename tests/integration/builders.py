"""Small builders that keep the SQL adapter tests about behaviour."""

from __future__ import annotations

import hashlib
from datetime import datetime

from dora.domain.model import Commit, Deployment, RepoPath, Status
from dora.ports.repositories import TimeRange

PATH = RepoPath("acme", "web", "api")


def sha(name: str) -> str:
    """Name commits in tests; the sha is the SHA-1 of the name."""
    return hashlib.sha1(name.encode()).hexdigest()


def at(text: str) -> datetime:
    instant = datetime.fromisoformat(text)
    assert instant.tzinfo is not None, f"{text} needs an offset"
    return instant


def commit(
    name: str,
    *parents: str,
    committed: str = "2024-01-01T09:00:00Z",
    authored: str | None = None,
) -> Commit:
    return Commit(
        sha=sha(name),
        parents=tuple(sha(parent) for parent in parents),
        committed_at=at(committed),
        authored_at=at(authored or committed),
    )


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
