"""Which commits each deployment of a chain ships."""

from __future__ import annotations

import pytest

from dora.domain.model import Status
from dora.domain.shipping import ship_chain

from .builders import commit, deployment, graph, linear_history, shipped_names


def test_first_deployment_ships_its_whole_reachable_history() -> None:
    commits = linear_history("c1", "c2", "c3")
    chain = [deployment("d1", "c3")]

    shipped = shipped_names(chain, commits)

    assert shipped == {"d1": {"c1", "c2", "c3"}}


def test_next_deployment_ships_only_what_no_earlier_deployment_reached() -> None:
    commits = linear_history("c1", "c2", "c3", "c4")
    chain = [
        deployment("d1", "c2", "2024-01-02T10:00:00Z"),
        deployment("d2", "c4", "2024-01-03T10:00:00Z"),
    ]

    shipped = shipped_names(chain, commits)

    assert shipped == {"d1": {"c1", "c2"}, "d2": {"c3", "c4"}}


def test_merge_commit_ships_the_commits_of_the_merged_branch() -> None:
    commits = [
        commit("m0"),
        commit("f1", "m0"),
        commit("f2", "f1"),
        commit("m1", "m0"),
        commit("mm", "m1", "f2"),
    ]
    chain = [
        deployment("d1", "m0", "2024-01-01T10:00:00Z"),
        deployment("d2", "mm", "2024-01-03T10:00:00Z"),
    ]

    shipped = shipped_names(chain, commits)

    assert shipped["d2"] == {"m1", "f1", "f2", "mm"}


def test_commit_reachable_through_two_parents_is_shipped_once() -> None:
    commits = [
        commit("root"),
        commit("left", "root"),
        commit("right", "root"),
        commit("merge", "left", "right"),
    ]

    changes = ship_chain([deployment("d1", "merge")], graph(commits))

    assert len(changes) == 4
    assert len({change.sha for change in changes}) == 4


def test_redeploy_of_the_same_sha_ships_nothing() -> None:
    commits = linear_history("c1", "c2")
    chain = [
        deployment("d1", "c2", "2024-01-02T10:00:00Z"),
        deployment("d2", "c2", "2024-01-02T11:00:00Z"),
    ]

    shipped = shipped_names(chain, commits)

    assert shipped == {"d1": {"c1", "c2"}, "d2": set()}


def test_rollback_to_an_ancestor_ships_nothing() -> None:
    commits = linear_history("c1", "c2", "c3")
    chain = [
        deployment("d1", "c3", "2024-01-02T10:00:00Z"),
        deployment("rollback", "c1", "2024-01-02T11:00:00Z"),
    ]

    shipped = shipped_names(chain, commits)

    assert shipped["rollback"] == set()


def test_forward_deployment_after_rollback_ships_only_never_shipped_commits() -> None:
    commits = linear_history("c1", "c2", "c3", "c4")
    chain = [
        deployment("d1", "c3", "2024-01-02T10:00:00Z"),
        deployment("rollback", "c2", "2024-01-02T11:00:00Z"),
        deployment("forward", "c4", "2024-01-03T10:00:00Z"),
    ]

    shipped = shipped_names(chain, commits)

    assert shipped["forward"] == {"c4"}


def test_rolled_back_commits_keep_their_first_deployment() -> None:
    commits = linear_history("c1", "c2", "c3", "c4")
    chain = [
        deployment("d1", "c3", "2024-01-02T10:00:00Z"),
        deployment("rollback", "c2", "2024-01-02T11:00:00Z"),
        deployment("forward", "c4", "2024-01-03T10:00:00Z"),
    ]

    changes = ship_chain(chain, graph(commits))

    c3 = next(change for change in changes if change.sha == commits[2].sha)
    assert c3.deployment_id == "d1"
    assert c3.finished_at == chain[0].finished_at


@pytest.mark.parametrize("status", [Status.FAILURE, Status.RUNNING, Status.CANCELED])
def test_deployment_that_did_not_succeed_ships_nothing(status: Status) -> None:
    commits = linear_history("c1", "c2")
    chain = [deployment("d1", "c2", status=status)]

    shipped = shipped_names(chain, commits)

    assert shipped == {"d1": set()}


def test_successful_retry_of_a_failed_deployment_ships_the_commits() -> None:
    commits = linear_history("c1", "c2", "c3")
    chain = [
        deployment("d1", "c3", "2024-01-02T10:00:00Z", status=Status.FAILURE),
        deployment("d2", "c3", "2024-01-02T11:00:00Z"),
    ]

    shipped = shipped_names(chain, commits)

    assert shipped == {"d1": set(), "d2": {"c1", "c2", "c3"}}


def test_chain_is_ordered_by_finish_time_not_by_the_order_given() -> None:
    commits = linear_history("c1", "c2", "c3")
    chain = [
        deployment("later", "c3", "2024-01-03T10:00:00Z", seq=1),
        deployment("earlier", "c2", "2024-01-02T10:00:00Z", seq=2),
    ]

    shipped = shipped_names(chain, commits)

    assert shipped == {"earlier": {"c1", "c2"}, "later": {"c3"}}


def test_finish_times_are_compared_as_instants_across_offsets() -> None:
    commits = linear_history("c1", "c2", "c3")
    chain = [
        deployment("d1", "c3", "2024-01-02T11:30:00+02:00", seq=1),
        deployment("d2", "c2", "2024-01-02T10:00:00Z", seq=2),
    ]

    shipped = shipped_names(chain, commits)

    assert shipped == {"d1": {"c1", "c2", "c3"}, "d2": set()}


@pytest.mark.parametrize(
    ("first_seq", "second_seq", "expected"),
    [
        (1, 2, {"a": {"c1", "c2"}, "b": {"c3"}}),
        (2, 1, {"a": set(), "b": {"c1", "c2", "c3"}}),
    ],
)
def test_deployments_finished_at_the_same_instant_are_ordered_as_received(
    first_seq: int, second_seq: int, expected: dict[str, set[str]]
) -> None:
    commits = linear_history("c1", "c2", "c3")
    same_instant = "2024-01-02T10:00:00Z"
    chain = [
        deployment("b", "c3", same_instant, seq=second_seq),
        deployment("a", "c2", same_instant, seq=first_seq),
    ]

    shipped = shipped_names(chain, commits)

    assert shipped == expected


def test_deployment_of_an_unknown_sha_ships_nothing() -> None:
    commits = linear_history("c1", "c2")
    chain = [deployment("d1", "not-pushed-yet")]

    shipped = shipped_names(chain, commits)

    assert shipped == {"d1": set()}


def test_deployment_of_an_unknown_sha_leaves_its_commits_to_the_next_one() -> None:
    commits = linear_history("c1", "c2", "c3")
    chain = [
        deployment("d1", "c4", "2024-01-02T10:00:00Z"),
        deployment("d2", "c3", "2024-01-03T10:00:00Z"),
    ]

    shipped = shipped_names(chain, commits)

    assert shipped == {"d1": set(), "d2": {"c1", "c2", "c3"}}


def test_commits_that_arrive_later_are_attributed_by_a_new_computation() -> None:
    before = linear_history("c1", "c2")
    after = linear_history("c1", "c2", "c3")
    chain = [
        deployment("d1", "c2", "2024-01-02T10:00:00Z"),
        deployment("d2", "c3", "2024-01-03T10:00:00Z"),
    ]

    first = shipped_names(chain, before)
    second = shipped_names(chain, after)

    assert first == {"d1": {"c1", "c2"}, "d2": set()}
    assert second == {"d1": {"c1", "c2"}, "d2": {"c3"}}


def test_parent_that_is_not_a_known_commit_ends_the_walk() -> None:
    commits = [commit("c2", "c1-not-fetched"), commit("c3", "c2")]
    chain = [deployment("d1", "c3")]

    shipped = shipped_names(chain, commits)

    assert shipped == {"d1": {"c2", "c3"}}


def test_unknown_parent_of_a_merge_ends_only_its_own_path() -> None:
    commits = [
        commit("root"),
        commit("main", "root"),
        commit("merge", "main", "branch-not-fetched"),
    ]
    chain = [deployment("d1", "merge")]

    shipped = shipped_names(chain, commits)

    assert shipped == {"d1": {"root", "main", "merge"}}


def test_baseline_takes_part_in_the_chain() -> None:
    commits = linear_history("c1", "c2", "c3")
    chain = [
        deployment("base", "c2", "2024-01-01T13:00:00Z", baseline=True),
        deployment("d1", "c3", "2024-01-02T12:00:00Z"),
    ]

    shipped = shipped_names(chain, commits)

    assert shipped["d1"] == {"c3"}


def test_changes_of_a_baseline_are_not_counted() -> None:
    commits = linear_history("c1", "c2", "c3")
    chain = [
        deployment("base", "c2", "2024-01-01T13:00:00Z", baseline=True),
        deployment("d1", "c3", "2024-01-02T12:00:00Z"),
    ]

    changes = ship_chain(chain, graph(commits))

    counted = {change.deployment_id: change.counted for change in changes}
    assert counted == {"base": False, "d1": True}


def test_shipped_change_measures_lead_time_from_commit_or_authoring() -> None:
    commits = [
        commit("c1", committed="2024-01-01T09:00:00Z", authored="2024-01-01T07:00:00Z")
    ]

    (change,) = ship_chain(
        [deployment("d1", "c1", "2024-01-01T12:00:00Z")], graph(commits)
    )

    assert change.lead_time_seconds() == 3 * 3600
    assert change.lead_time_seconds(from_authored=True) == 5 * 3600
