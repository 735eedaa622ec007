"""Small builders that keep the tests about behaviour, not set-up."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from dora.adapters.memory import MemoryDatabase, MemoryUnitOfWork
from dora.domain.model import Commit, Deployment, RepoPath, Status
from dora.domain.shipping import ship_chain
from dora.service_layer import ingest
from dora.service_layer.metrics import dora_metrics
from dora.service_layer.queries import MetricsQuery

REPO = "acme/web/api"


_NAMES: dict[str, str] = {}


def sha(name: str) -> str:
    """Name commits in tests; the sha is the SHA-1 of the name."""
    digest = hashlib.sha1(name.encode()).hexdigest()
    _NAMES[digest] = name
    return digest


def at(text: str) -> datetime:
    """Read an instant such as 2024-01-01T09:00:00Z."""
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
    started: str | None = None,
    environment: str = "production",
    baseline: bool = False,
    seq: int = 0,
) -> Deployment:
    return Deployment(
        id=id,
        sha=sha(name),
        environment=environment,
        status=status,
        finished_at=at(finished) if finished else None,
        started_at=at(started) if started else None,
        baseline=baseline,
        seq=seq,
    )


def linear_history(*names: str, start_hour: int = 9) -> list[Commit]:
    """Commit each name on top of the previous one, an hour apart."""
    commits = []
    for offset, name in enumerate(names):
        parents = names[offset - 1 : offset] if offset else ()
        committed = f"2024-01-01T{start_hour + offset:02d}:00:00Z"
        commits.append(commit(name, *parents, committed=committed))
    return commits


def graph(commits: Iterable[Commit]) -> dict[str, Commit]:
    return {c.sha: c for c in commits}


def name_of(digest: str) -> str:
    """Return the name a sha was built from by `sha`."""
    return _NAMES.get(digest, digest)


def shipped_names(
    deployments: Sequence[Deployment], commits: Iterable[Commit]
) -> dict[str, set[str]]:
    """Return, per deployment id, the names of the commits it ships."""
    result: dict[str, set[str]] = {d.id: set() for d in deployments}
    for change in ship_chain(deployments, graph(commits)):
        result[change.deployment_id].add(name_of(change.sha))
    return result


def long_history(count: int, prefix: str = "c") -> list[Commit]:
    """Return a long line of commits, a minute apart, oldest first."""
    start = at("2024-01-01T00:00:00Z")
    commits: list[Commit] = []
    for index in range(count):
        committed = start + timedelta(minutes=index)
        commits.append(
            Commit(
                sha=sha(f"{prefix}{index}"),
                parents=(commits[-1].sha,) if commits else (),
                committed_at=committed,
                authored_at=committed,
            )
        )
    return commits


Attribution = set[tuple[str, str, str, bool]]


class Platform:
    """The use cases of one service, on an in-memory database."""

    def __init__(self) -> None:
        self.db = MemoryDatabase()

    def uow(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.db)

    async def add_commits(self, *commits: Commit, repo: str = REPO) -> int:
        path = RepoPath.parse(repo)
        await ingest.put_repo(self.uow(), path)
        return await ingest.add_commits(self.uow(), path, commits)

    async def deploy(
        self, *deployments: Deployment, repo: str = REPO
    ) -> list[tuple[Deployment, bool]]:
        path = RepoPath.parse(repo)
        await ingest.put_repo(self.uow(), path)
        return [
            await ingest.record_deployment(self.uow(), path, d) for d in deployments
        ]

    async def metrics(
        self,
        start: str = "2024-01-01",
        end: str = "2024-01-31",
        *,
        recompute: bool = False,
        **params: str,
    ) -> dict[str, Any]:
        query = MetricsQuery.parse(
            {"scope": "repo", "id": REPO, "from": start, "to": end, **params}
        )
        return await dora_metrics(self.uow(), query, recompute=recompute)

    def kept_attribution(self, repo: str = REPO) -> Attribution:
        """Return who shipped what, as the service has stored it."""
        repo_id = self.db.repos[RepoPath.parse(repo)].id
        return {
            (c.environment, c.deployment_id, c.sha, c.counted)
            for c in self.db.changes.get(repo_id, [])
        }

    def fresh_attribution(self, repo: str = REPO) -> Attribution:
        """Return who shipped what, worked out afresh from the stored data."""
        repo_id = self.db.repos[RepoPath.parse(repo)].id
        stored = list(self.db.deployments[repo_id].values())
        graph = self.db.commits[repo_id]
        return {
            (c.environment, c.deployment_id, c.sha, c.counted)
            for environment in {d.environment for d in stored}
            for c in ship_chain(
                [d for d in stored if d.environment == environment], graph
            )
        }
