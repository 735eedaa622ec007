"""A synthetic org, deterministic by seed: linear histories with merges.

Each repo's main line advances by single commits and, now and then, by the
merge of a short side branch. A deployment to production ships the head of
the main line every few commits; a few fail, and a few of the next ones fix
forward. Timestamps spread over `years` before a fixed end.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dora.domain.model import Commit, Deployment, RepoPath, Status

END = datetime(2026, 6, 30, tzinfo=UTC)
REPOS_PER_PROJECT = 50
MERGE_EVERY = 8
# Failed attempts, and successes that fix an earlier deployment forward.
FAILURE_SHARE = 0.05
FIX_SHARE = 0.03


@dataclass(frozen=True)
class OrgShape:
    repos: int = 1_000
    commits: int = 1_000_000
    deployments: int = 200_000
    years: int = 3
    seed: int = 7
    org: str = "scale"


@dataclass(frozen=True)
class RepoHistory:
    path: RepoPath
    commits: list[Commit]
    deployments: list[Deployment]


def repos(shape: OrgShape) -> Iterator[RepoHistory]:
    """Yield one repo at a time, so the whole org never sits in memory."""
    for index in range(shape.repos):
        rng = random.Random(f"{shape.seed}:{index}")
        path = RepoPath(
            shape.org, f"p{index // REPOS_PER_PROJECT:03d}", f"r{index:04d}"
        )
        count = _share(shape.commits, shape.repos, index)
        commits, main = _commits(rng, count, shape)
        deployments = _deployments(
            rng, main, _share(shape.deployments, shape.repos, index)
        )
        yield RepoHistory(path, commits, deployments)


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


def _commits(
    rng: random.Random, count: int, shape: OrgShape
) -> tuple[list[Commit], list[Commit]]:
    """Return every commit in time order, and those of the main line."""
    span = timedelta(days=365 * shape.years)
    step = span / max(count, 1)
    at = END - span
    commits: list[Commit] = []
    main: list[Commit] = []
    head: tuple[str, ...] = ()
    while len(commits) < count:
        at += step * rng.uniform(0.5, 1.5)
        side = min(rng.randint(1, 3), count - len(commits) - 1)
        tip = head
        if len(main) % MERGE_EVERY == MERGE_EVERY - 1 and head and side > 0:
            for _ in range(side):
                commits.append(_commit(_sha(rng), tip, at))
                tip = (commits[-1].sha,)
                at += step
            # A merge: first parent the main line, second the side branch.
            tip = (*head, *tip)
        main.append(_commit(_sha(rng), tip, at))
        commits.append(main[-1])
        head = (main[-1].sha,)
    return commits, main


def _commit(sha: str, parents: tuple[str, ...], at: datetime) -> Commit:
    return Commit(sha, parents, at, at - timedelta(minutes=30))


def _deployments(
    rng: random.Random, main: list[Commit], count: int
) -> list[Deployment]:
    """Deploy the main line's head every few commits, in order."""
    every = max(len(main) // max(count, 1), 1)
    chosen = main[every - 1 :: every][:count]
    deployments: list[Deployment] = []
    last_success: str | None = None
    for number, commit in enumerate(chosen):
        finished = commit.committed_at + timedelta(minutes=rng.randint(20, 600))
        failed = rng.random() < FAILURE_SHARE
        fixes = last_success if rng.random() < FIX_SHARE else None
        deployment = Deployment(
            id=f"d{number:06d}",
            sha=commit.sha,
            environment="production",
            status=Status.FAILURE if failed else Status.SUCCESS,
            finished_at=finished,
            started_at=finished - timedelta(minutes=10),
            remediates=None if failed else fixes,
        )
        deployments.append(deployment)
        last_success = last_success if failed else deployment.id
    return deployments


def _sha(rng: random.Random) -> str:
    return hashlib.sha1(rng.randbytes(16), usedforsecurity=False).hexdigest()
