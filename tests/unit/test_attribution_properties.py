"""Attribution kept up to date write by write equals attribution from scratch."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dora.domain.model import Commit, Deployment, RepoPath, Status
from dora.service_layer import ingest

from .builders import REPO, Platform, at, sha

START = at("2024-01-02T00:00:00Z")
ENVIRONMENTS = ["production", "staging"]


@dataclass(frozen=True)
class Commits:
    commits: list[Commit]


@dataclass(frozen=True)
class Deploy:
    deployment: Deployment


@dataclass(frozen=True)
class Import:
    commits: list[Commit]
    deployments: list[Deployment]


@dataclass(frozen=True)
class Query:
    environment: str


@dataclass(frozen=True)
class Update:
    """Post a stored deployment again with one of its fields changed."""

    deployment_id: str
    field: str
    sha: str
    hours: int


Step = Commits | Deploy | Import | Query | Update


@st.composite
def pools(draw: st.DrawFn) -> list[Commit]:
    size = draw(st.integers(min_value=1, max_value=10))
    names = [f"c{index}" for index in range(size)]
    pool = []
    for index, name in enumerate(names):
        parents = draw(
            st.lists(st.sampled_from([*names[:index], "never-pushed"]), max_size=2)
        )
        pool.append(
            Commit(
                sha=sha(name),
                parents=tuple(sha(parent) for parent in dict.fromkeys(parents)),
                committed_at=START - timedelta(hours=size - index),
                authored_at=START - timedelta(hours=size - index),
            )
        )
    return pool


def deployments(pool: list[Commit]) -> st.SearchStrategy[Deployment]:
    @st.composite
    def one(draw: st.DrawFn) -> Deployment:
        status = draw(st.sampled_from([Status.SUCCESS] * 3 + list(Status)))
        hour = draw(st.integers(min_value=0, max_value=5))
        target = draw(st.sampled_from([c.sha for c in pool] + [sha("never-pushed")]))
        return Deployment(
            id=f"d{draw(st.integers(min_value=0, max_value=3))}",
            sha=target,
            environment=draw(st.sampled_from(ENVIRONMENTS)),
            status=status,
            finished_at=None
            if status is Status.RUNNING
            else START + timedelta(hours=hour),
            baseline=draw(st.booleans()),
        )

    return one()


@st.composite
def scenarios(draw: st.DrawFn) -> list[Step]:
    pool = draw(pools())
    some_commits = st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool))
    step = st.one_of(
        st.builds(Commits, some_commits),
        st.builds(Deploy, deployments(pool)),
        st.builds(Import, some_commits, st.lists(deployments(pool), max_size=4)),
        st.builds(Query, st.sampled_from(ENVIRONMENTS)),
        st.builds(
            Update,
            st.sampled_from([f"d{index}" for index in range(4)]),
            st.sampled_from(
                ["baseline", "status", "finished_at", "sha", "environment"]
            ),
            st.sampled_from([c.sha for c in pool]),
            st.integers(min_value=-2, max_value=2),
        ),
    )
    return draw(st.lists(step, min_size=1, max_size=14))


async def replay(steps: list[Step]) -> Platform:
    platform = Platform()
    path = RepoPath.parse(REPO)
    repo, _ = await ingest.put_repo(platform.uow(), path)
    for step in steps:
        match step:
            case Commits(commits):
                await ingest.add_commits(platform.uow(), path, commits)
            case Deploy(deployment):
                await ingest.record_deployment(platform.uow(), path, deployment)
            case Import(commits, deployments):
                await ingest.import_history(platform.uow(), path, commits, deployments)
            case Query(environment):
                await platform.metrics(environment=environment)
            case Update(deployment_id, field, other_sha, hours):
                stored = platform.db.deployments[repo.id].get(deployment_id)
                if stored is not None:
                    changed = updated(stored, field, other_sha, hours)
                    await ingest.record_deployment(platform.uow(), path, changed)
    await platform.metrics()
    return platform


def updated(stored: Deployment, field: str, other_sha: str, hours: int) -> Deployment:
    finished = stored.finished_at or START
    changes: dict[str, object] = {
        "baseline": not stored.baseline,
        "status": Status.FAILURE if stored.status is Status.SUCCESS else Status.SUCCESS,
        "finished_at": finished + timedelta(hours=hours),
        "sha": other_sha,
        "environment": "staging"
        if stored.environment == "production"
        else "production",
    }
    fresh = replace(stored, **{field: changes[field]})
    if fresh.finished_at is None:
        fresh = replace(fresh, finished_at=finished)
    return fresh


@settings(max_examples=250, deadline=None)
@given(scenarios())
def test_attribution_after_any_sequence_of_writes_equals_a_fresh_one(
    steps: list[Step],
) -> None:
    platform = asyncio.run(replay(steps))

    assert platform.kept_attribution() == platform.fresh_attribution()
