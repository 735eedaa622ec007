"""Random histories fed in random orders, checked against a fresh computation.

A scenario is a commit graph (merges, commits that never arrive) and a list
of deployment writes (redeploys, rollbacks, updates of the same id, failures,
baselines, two environments, ties in finish time), cut into batches that
arrive in a random order with metrics reads in between. After every read the
stored attribution must equal `ship_chain` over the data stored so far.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from dora.domain.metrics import Change, DeployedAt, measure
from dora.domain.model import Commit, Deployment, RepoPath, ShippedChange, Status
from dora.domain.shipping import ship_chain
from dora.ports.repositories import UnitOfWork
from dora.service_layer import ingest
from dora.service_layer.metrics import dora_metrics
from dora.service_layer.queries import MetricsQuery

START = datetime(2024, 1, 1, tzinfo=UTC)
PATH = RepoPath("acme", "web", "api")
ENVIRONMENTS = ("production", "staging")
FIGURES = (
    "deployment_frequency",
    "deployment_days",
    "changes",
    "lead_time_avg_hours",
    "lead_time_median_hours",
    "lead_time_p90_hours",
)


def sha(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()


@dataclass(frozen=True)
class Step:
    """One arrival: commits, deployment writes, a bulk import, or a read."""

    kind: str
    commits: tuple[Commit, ...] = ()
    deployments: tuple[Deployment, ...] = ()


@st.composite
def commit_graphs(draw: st.DrawFn) -> list[Commit]:
    size = draw(st.integers(min_value=1, max_value=14))
    commits = []
    for index in range(size):
        earlier = [sha(f"c{i}") for i in range(index)] or [sha("lost")]
        parents = draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True))
        hours = draw(st.integers(min_value=-2, max_value=30))
        commits.append(
            Commit(
                sha=sha(f"c{index}"),
                parents=tuple(parents),
                committed_at=START + timedelta(hours=hours),
                authored_at=START + timedelta(hours=hours - index),
            )
        )
    return commits


@st.composite
def deployment_writes(draw: st.DrawFn, commits: list[Commit]) -> list[Deployment]:
    shas = [c.sha for c in commits] + [sha("never-pushed")]
    count = draw(st.integers(min_value=0, max_value=12))
    writes = []
    for _ in range(count):
        status = draw(st.sampled_from(list(Status)))
        finished = draw(st.integers(min_value=0, max_value=6))
        done = status in (Status.SUCCESS, Status.FAILURE) or draw(st.booleans())
        writes.append(
            Deployment(
                id=f"d{draw(st.integers(min_value=0, max_value=6))}",
                sha=draw(st.sampled_from(shas)),
                environment=draw(st.sampled_from(ENVIRONMENTS)),
                status=status,
                finished_at=START + timedelta(hours=4 * finished) if done else None,
                baseline=draw(st.integers(0, 4)) == 0,
            )
        )
    return writes


@st.composite
def scenarios(draw: st.DrawFn) -> list[Step]:
    commits = draw(commit_graphs())
    # Some commits never arrive: their children's walks stop there.
    delivered = [c for c in commits if draw(st.integers(0, 5)) > 0]
    writes = draw(deployment_writes(commits))
    pieces: list[Step] = []
    for commit in draw(st.permutations(delivered)):
        pieces.append(Step("commits", commits=(commit,)))
    pieces += [Step("deploy", deployments=(d,)) for d in writes]
    ordered = draw(st.permutations(pieces))
    steps: list[Step] = []
    for piece in ordered:
        if steps and steps[-1].kind == piece.kind and draw(st.booleans()):
            last = steps.pop()
            piece = Step(
                piece.kind,
                last.commits + piece.commits,
                last.deployments + piece.deployments,
            )
        if draw(st.integers(0, 3)) == 0:
            piece = Step("import", piece.commits, piece.deployments)
        steps.append(piece)
        if draw(st.booleans()):
            steps.append(Step("read"))
    return [*steps, Step("read")]


async def play(make_uow: Callable[[], UnitOfWork], steps: list[Step]) -> None:
    """Feed the steps through the service layer, checking after every read."""
    await ingest.put_repo(make_uow(), PATH)
    for step in steps:
        if step.kind == "commits":
            await ingest.add_commits(make_uow(), PATH, step.commits)
        elif step.kind == "deploy":
            for deployment in step.deployments:
                await ingest.record_deployment(make_uow(), PATH, deployment)
        elif step.kind == "import":
            await ingest.import_history(
                make_uow(), PATH, step.commits, step.deployments
            )
        else:
            await check(make_uow)


async def check(make_uow: Callable[[], UnitOfWork]) -> None:
    """The stored attribution and the metrics equal a fresh computation."""
    answers = {env: await dora_metrics(make_uow(), query(env)) for env in ENVIRONMENTS}
    async with make_uow() as uow:
        repo = await uow.repos.get(PATH)
        assert repo is not None
        deployments = await uow.deployments.of_repo(repo.id)
        graph = dict(await uow.commits.graph(repo.id))
        stored = await uow.changes.of_deployments(repo.id, [d.id for d in deployments])

    expected = expected_changes(deployments, graph)
    assert set(stored) == expected
    assert len(stored) == len(expected)
    for environment, answer in answers.items():
        wanted = expected_answer(environment, deployments, graph, expected)
        assert _close(_figures(answer), wanted), (environment, answer, wanted)


def expected_changes(
    deployments: list[Deployment], graph: dict[str, Commit]
) -> set[ShippedChange]:
    return {
        change
        for environment in ENVIRONMENTS
        for change in ship_chain(
            [d for d in deployments if d.environment == environment], graph
        )
    }


def query(environment: str) -> MetricsQuery:
    return MetricsQuery.parse(
        {
            "scope": "repo",
            "id": str(PATH),
            "from": "2024-01-01",
            "to": "2024-01-03",
            "granularity": "day",
            "tz": "America/St_Johns",
            "environment": environment,
        }
    )


def expected_answer(
    environment: str,
    deployments: list[Deployment],
    graph: dict[str, Commit],
    changes: set[ShippedChange],
) -> dict[str, Any]:
    asked = query(environment)
    counted = [
        DeployedAt(d.finished_at, d.sha in graph)
        for d in deployments
        if d.counted and d.environment == environment and d.finished_at is not None
    ]
    lead_times = [
        Change.between(c.finished_at, c.committed_at)
        for c in changes
        if c.counted and c.environment == environment
    ]
    figures = measure(asked.window, asked.granularity, counted, lead_times)
    return {
        "deployment_frequency": figures.deployment_frequency,
        "deployment_days": figures.deployment_days,
        "changes": figures.lead_time.changes,
        "lead_time_avg_hours": _hours(figures.lead_time.avg_hours),
        "lead_time_median_hours": _hours(figures.lead_time.median_hours),
        "lead_time_p90_hours": _hours(figures.lead_time.p90_hours),
        "series": [
            (p.deployment_frequency, p.lead_time.changes, _hours(p.lead_time.avg_hours))
            for p in figures.series
        ],
        "unknown": figures.deployments_unknown_sha,
        "clamped": figures.negative_lead_times_clamped,
    }


def _figures(answer: dict[str, Any]) -> dict[str, Any]:
    figures = {name: answer[name] for name in FIGURES}
    for name in FIGURES[3:]:
        figures[name] = _hours(figures[name])
    figures["series"] = [
        (p["deployment_frequency"], p["changes"], _hours(p["lead_time_avg_hours"]))
        for p in answer["series"]
    ]
    quality = answer["data_quality"]
    figures["unknown"] = quality["deployments_unknown_sha"]
    figures["clamped"] = quality["negative_lead_times_clamped"]
    return figures


def _hours(value: float | None) -> float | None:
    return value


def _close(got: Any, wanted: Any) -> bool:
    """Compare nested figures, hours within the 1e-6 the answers promise."""
    if isinstance(got, dict) and isinstance(wanted, dict):
        return got.keys() == wanted.keys() and all(
            _close(got[k], wanted[k]) for k in got
        )
    if isinstance(got, list | tuple) and isinstance(wanted, list | tuple):
        return len(got) == len(wanted) and all(
            _close(a, b) for a, b in zip(got, wanted, strict=True)
        )
    if isinstance(got, float) or isinstance(wanted, float):
        return got is not None and wanted is not None and abs(got - wanted) <= 1e-6
    return bool(got == wanted)
