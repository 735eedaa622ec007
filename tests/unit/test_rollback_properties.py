"""Rollbacks found through the stored attribution equal a walk of the graph.

A deployment rolls back its predecessor when its sha is a proper ancestor
of the predecessor's; the service reads that off what each deployment first
shipped, and walks only part of the graph. Here the whole graph is walked.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dora.domain.model import Commit, Deployment, Status

from .builders import Platform, at
from .test_attribution_properties import pools

START = at("2024-01-02T00:00:00Z")


def ancestors(graph: dict[str, Commit], sha: str) -> set[str]:
    found: set[str] = set()
    frontier = list(graph[sha].parents)
    while frontier:
        current = frontier.pop()
        if current in found or current not in graph:
            continue
        found.add(current)
        frontier.extend(graph[current].parents)
    return found


def rolled_back(graph: dict[str, Commit], chain: list[Deployment]) -> int:
    return sum(
        1
        for earlier, later in itertools.pairwise(chain)
        if later.sha != earlier.sha and later.sha in ancestors(graph, earlier.sha)
    )


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Commit], list[Deployment]]:
    pool = draw(pools())
    targets = draw(st.lists(st.sampled_from([c.sha for c in pool]), max_size=12))
    chain = [
        Deployment(
            id=f"d{index}",
            sha=target,
            environment="production",
            status=Status.SUCCESS,
            started_at=None,
            finished_at=START + timedelta(hours=index),
        )
        for index, target in enumerate(targets)
    ]
    return pool, chain


@settings(max_examples=150, deadline=None)
@given(histories())
def test_rollbacks_equal_a_walk_of_the_whole_graph(
    history: tuple[list[Commit], list[Deployment]],
) -> None:
    pool, chain = history
    platform = Platform()

    async def failed() -> int:
        await platform.add_commits(*pool)
        await platform.deploy(*chain)
        answer = await platform.metrics()
        return int(answer["failed_deployments"])

    graph = {commit.sha: commit for commit in pool}
    assert asyncio.run(failed()) == rolled_back(graph, chain)
