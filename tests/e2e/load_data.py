"""A reproducible history of two repos, and its replay by concurrent writers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

REPOS = ("acme/web/api", "acme/web/ui")
START = datetime(2024, 1, 1, tzinfo=UTC)
WINDOW = {"from": "2024-01-01", "to": "2024-02-29", "granularity": "week"}
SCOPES = [("repo", "acme/web/api"), ("repo", "acme/web/ui"), ("org", "acme")]


def stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class History:
    commits: dict[str, list[dict[str, Any]]]
    deployments: dict[str, list[dict[str, Any]]]


def history(commits: int = 400, deployments: int = 30) -> History:
    """A main line with merges, deployed every few commits, some failing."""
    return History(
        commits={repo: _commits(n, commits) for n, repo in enumerate(REPOS)},
        deployments={
            repo: _deployments(n, commits, deployments) for n, repo in enumerate(REPOS)
        },
    )


def sha(repo: int, number: int) -> str:
    return f"{repo:08x}{number:032x}"


def _commits(repo: int, count: int) -> list[dict[str, Any]]:
    made = []
    for number in range(count):
        parents = [sha(repo, number - 1)] if number else []
        if number % 9 == 0 and number >= 5:
            parents.append(sha(repo, number - 5))
        moment = START + timedelta(hours=3 * number)
        made.append(
            {
                "sha": sha(repo, number),
                "parents": parents,
                "committed_at": stamp(moment),
            }
        )
    return made


def _deployments(repo: int, commits: int, count: int) -> list[dict[str, Any]]:
    step = commits // count
    made = []
    for number in range(count):
        tip = step * (number + 1) - 1
        finished = START + timedelta(hours=3 * tip + 5 + repo)
        made.append(
            {
                "id": f"d{number:03d}",
                "sha": sha(repo, tip),
                "status": "failure" if number % 7 == 3 else "success",
                "finished_at": stamp(finished),
            }
        )
    return made


def running(deployment: dict[str, Any]) -> dict[str, Any]:
    """The report of a deployment still in progress."""
    return {**deployment, "status": "running", "finished_at": None}


def writer_plans(data: History, writers: int, seed: int) -> list[list[tuple[str, Any]]]:
    """Split the data among writers, overlapping: each item goes to two or more.

    Each writer sends its commits in shuffled batches, and each deployment it
    has as `running` first and finished later, so every writer's last word on
    a deployment is its final state.
    """
    rng = random.Random(seed)
    plans: list[list[tuple[str, Any]]] = [[] for _ in range(writers)]
    for repo in REPOS:
        for plan in plans:
            plan.append(("put", repo))
        owned: list[list[dict[str, Any]]] = [[] for _ in range(writers)]
        for number, item in enumerate(data.commits[repo]):
            for writer in {number % writers, rng.randrange(writers)}:
                owned[writer].append(item)
        for writer, items in enumerate(owned):
            rng.shuffle(items)
            for first in range(0, len(items), 60):
                batch = {"commits": items[first : first + 60]}
                plans[writer].append(("commits", (repo, batch)))
        for number, item in enumerate(data.deployments[repo]):
            for writer in {number % writers, (number + 3) % writers}:
                plans[writer].append(("deploy", (repo, running(item))))
                plans[writer].append(("deploy", (repo, item)))
    for plan in plans:
        _shuffle_keeping_deployment_order(plan, rng)
    return plans


def _shuffle_keeping_deployment_order(
    plan: list[tuple[str, Any]], rng: random.Random
) -> None:
    """Interleave a writer's steps; its repos come first, its reports in order."""
    puts = [step for step in plan if step[0] == "put"]
    others = [step for step in plan if step[0] != "put"]
    commits = [step for step in others if step[0] == "commits"]
    reports = [step for step in others if step[0] == "deploy"]
    merged: list[tuple[str, Any]] = []
    while commits or reports:
        source = commits if commits and (not reports or rng.random() < 0.3) else reports
        merged.append(source.pop(0))
    plan[:] = puts + merged
