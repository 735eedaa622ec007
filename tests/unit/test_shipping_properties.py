"""The shipping rule against its plain definition, on random histories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dora.domain.model import Commit, Deployment, Status
from dora.domain.shipping import ship_chain

from .builders import at, sha

START = at("2024-01-01T00:00:00Z")


@dataclass(frozen=True)
class History:
    commits: dict[str, Commit]
    deployments: list[Deployment]


@st.composite
def histories(draw: st.DrawFn) -> History:
    size = draw(st.integers(min_value=1, max_value=12))
    names = [f"c{index}" for index in range(size)]
    commits = {}
    for index, name in enumerate(names):
        parents = draw(st.lists(st.sampled_from(names[:index] or ["lost"]), max_size=2))
        if draw(st.booleans()) or name == names[0]:
            commits[sha(name)] = Commit(
                sha=sha(name),
                parents=tuple(sha(parent) for parent in dict.fromkeys(parents)),
                committed_at=START + timedelta(hours=index),
                authored_at=START + timedelta(hours=index),
            )
    count = draw(st.integers(min_value=0, max_value=8))
    deployments = [
        Deployment(
            id=f"d{seq}",
            sha=sha(draw(st.sampled_from([*names, "never-pushed"]))),
            environment="production",
            status=draw(st.sampled_from(list(Status))),
            finished_at=START + timedelta(hours=draw(st.integers(0, 4))),
            baseline=draw(st.booleans()),
            seq=seq,
        )
        for seq in draw(st.permutations(range(count)))
    ]
    return History(commits, deployments)


def reachable(start: str, commits: dict[str, Commit]) -> set[str]:
    found: set[str] = set()
    pending = [start]
    while pending:
        current = pending.pop()
        if current in commits and current not in found:
            found.add(current)
            pending.extend(commits[current].parents)
    return found


def expected_shipments(history: History) -> dict[str, set[str]]:
    """Each deployment ships what it reaches and no earlier one reached."""
    chain = sorted(
        (d for d in history.deployments if d.status is Status.SUCCESS),
        key=lambda d: (d.finished_at, d.seq),
    )
    earlier: set[str] = set()
    shipments: dict[str, set[str]] = {}
    for deployment in chain:
        reach = reachable(deployment.sha, history.commits)
        shipments[deployment.id] = reach - earlier
        earlier |= reach
    return shipments


@settings(max_examples=150)
@given(histories())
def test_each_deployment_ships_what_it_reaches_and_no_earlier_one_did(
    history: History,
) -> None:
    expected = expected_shipments(history)

    changes = ship_chain(history.deployments, history.commits)

    shipped: dict[str, set[str]] = {deployment_id: set() for deployment_id in expected}
    for change in changes:
        shipped[change.deployment_id].add(change.sha)
    assert shipped == expected


@settings(max_examples=150)
@given(histories())
def test_every_commit_is_shipped_at_most_once(history: History) -> None:
    changes = ship_chain(history.deployments, history.commits)

    shas = [change.sha for change in changes]
    assert len(shas) == len(set(shas))


@settings(max_examples=150)
@given(histories())
def test_only_changes_of_non_baseline_deployments_are_counted(
    history: History,
) -> None:
    baselines = {d.id for d in history.deployments if d.baseline}

    changes = ship_chain(history.deployments, history.commits)

    assert all(
        change.counted == (change.deployment_id not in baselines) for change in changes
    )
