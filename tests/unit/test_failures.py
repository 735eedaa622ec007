"""Failed changes, recovery, rework and failed attempts, rule by rule."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from dora.domain.incidents import Incident
from dora.domain.model import RepoPath, Status
from dora.service_layer.incidents import record_incident

from .builders import REPO, Platform, at, commit, deployment, linear_history


async def incident(
    platform: Platform,
    id: str,
    started: str,
    resolved: str | None = None,
    deployment_id: str | None = None,
    environment: str = "production",
) -> None:
    await record_incident(
        platform.uow(),
        RepoPath.parse(REPO),
        Incident(
            id=id,
            started_at=at(started),
            resolved_at=at(resolved) if resolved else None,
            deployment_id=deployment_id,
            environment=environment,
        ),
    )


def failures(answer: dict[str, Any]) -> tuple[int, int, float | None]:
    return (
        answer["deployment_frequency"],
        answer["failed_deployments"],
        answer["change_failure_rate"],
    )


@pytest.fixture
async def abc(platform: Platform) -> Platform:
    await platform.add_commits(*linear_history("a", "b", "c"))
    return platform


async def test_a_rollback_marks_the_deployment_it_undoes(abc: Platform) -> None:
    await abc.deploy(
        deployment("d1", "a", "2024-01-02T10:00:00Z"),
        deployment("d2", "b", "2024-01-03T10:00:00Z"),
        deployment("d3", "a", "2024-01-03T12:00:00Z"),
    )

    answer = await abc.metrics()

    assert failures(answer) == (3, 1, pytest.approx(1 / 3))
    assert answer["recovery_time_median_hours"] == 2.0
    assert answer["deployment_rework_rate"] == pytest.approx(1 / 3)


async def test_a_redeploy_of_the_same_sha_is_no_rollback(abc: Platform) -> None:
    await abc.deploy(
        deployment("d1", "b", "2024-01-02T10:00:00Z"),
        deployment("d2", "b", "2024-01-03T10:00:00Z"),
    )

    answer = await abc.metrics()

    assert failures(answer) == (2, 0, 0.0)
    assert answer["deployment_rework_rate"] == 0.0


async def test_a_rollback_past_several_releases_is_found(abc: Platform) -> None:
    await abc.deploy(
        deployment("d1", "a", "2024-01-02T10:00:00Z"),
        deployment("d2", "b", "2024-01-03T10:00:00Z"),
        deployment("d3", "c", "2024-01-04T10:00:00Z"),
        deployment("d4", "a", "2024-01-04T11:30:00Z"),
    )

    answer = await abc.metrics()

    # Only d3 is undone by the next deployment; d2 was followed by d3.
    assert failures(answer) == (4, 1, 0.25)
    assert answer["recovery_time_median_hours"] == 1.5


async def test_a_return_to_a_commit_of_another_branch_is_no_rollback(
    platform: Platform,
) -> None:
    await platform.add_commits(
        commit("a"), commit("b", "a"), commit("x", "a", committed="2024-01-01T10:00Z")
    )
    await platform.deploy(
        deployment("d1", "x", "2024-01-02T10:00:00Z"),
        deployment("d2", "b", "2024-01-03T10:00:00Z"),
        deployment("d3", "x", "2024-01-04T10:00:00Z"),
    )

    answer = await platform.metrics()

    assert failures(answer) == (3, 0, 0.0)


async def test_remediates_marks_the_named_deployment(abc: Platform) -> None:
    await abc.deploy(
        deployment("d1", "a", "2024-01-02T10:00:00Z"),
        deployment("d2", "b", "2024-01-03T10:00:00Z"),
        dataclasses.replace(
            deployment("d3", "c", "2024-01-03T14:00:00Z"), remediates="d2"
        ),
    )

    answer = await abc.metrics()

    assert failures(answer) == (3, 1, pytest.approx(1 / 3))
    assert answer["recovery_time_avg_hours"] == 4.0
    assert answer["deployment_rework_rate"] == pytest.approx(1 / 3)


async def test_a_failed_fix_forward_marks_without_recovering(abc: Platform) -> None:
    await abc.deploy(
        deployment("d1", "a", "2024-01-02T10:00:00Z"),
        dataclasses.replace(
            deployment("d2", "b", "2024-01-03T10:00:00Z", status=Status.FAILURE),
            remediates="d1",
        ),
    )

    answer = await abc.metrics()

    assert failures(answer) == (1, 1, 1.0)
    assert answer["unrecovered_failures"] == 1
    assert answer["recovery_time_median_hours"] is None


async def test_a_fix_forward_in_another_environment_marks_nothing(
    abc: Platform,
) -> None:
    await abc.deploy(
        deployment("d1", "a", "2024-01-02T10:00:00Z"),
        dataclasses.replace(
            deployment("s1", "b", "2024-01-03T10:00:00Z", environment="staging"),
            remediates="d1",
        ),
    )

    answer = await abc.metrics()

    assert failures(answer) == (1, 0, 0.0)


async def test_an_incident_naming_a_deployment_marks_that_one(abc: Platform) -> None:
    await abc.deploy(
        deployment("d1", "a", "2024-01-02T10:00:00Z"),
        deployment("d2", "b", "2024-01-03T10:00:00Z"),
    )
    await incident(
        abc, "i1", "2024-01-05T09:00:00Z", "2024-01-05T12:00:00Z", deployment_id="d1"
    )

    answer = await abc.metrics()

    # Linked, it blames d1 although d2 came later; recovery runs from d1's
    # finish to the resolution: 3 days and 2 hours.
    assert failures(answer) == (2, 1, 0.5)
    assert answer["recovery_time_median_hours"] == 74.0


async def test_an_unlinked_incident_marks_the_latest_deployment_within_a_day(
    abc: Platform,
) -> None:
    await abc.deploy(
        deployment("d1", "a", "2024-01-02T10:00:00Z"),
        deployment("d2", "b", "2024-01-03T10:00:00Z"),
    )
    await incident(abc, "i1", "2024-01-04T10:00:00Z", "2024-01-04T11:00:00Z")

    answer = await abc.metrics()

    # Started exactly 24 hours after d2 finished: still d2's.
    assert failures(answer) == (2, 1, 0.5)
    assert answer["recovery_time_median_hours"] == 25.0


async def test_an_unlinked_incident_more_than_a_day_later_marks_nothing(
    abc: Platform,
) -> None:
    await abc.deploy(
        deployment("d1", "a", "2024-01-02T10:00:00Z"),
        deployment("d2", "b", "2024-01-03T10:00:00Z"),
    )
    await incident(abc, "i1", "2024-01-04T10:00:01Z", "2024-01-04T11:00:00Z")

    answer = await abc.metrics()

    assert failures(answer) == (2, 0, 0.0)


async def test_an_unlinked_incident_after_the_window_blames_its_last_deployment(
    abc: Platform,
) -> None:
    await abc.deploy(deployment("d1", "a", "2024-01-31T23:00:00Z"))
    await incident(abc, "i1", "2024-02-01T05:00:00Z", "2024-02-01T06:00:00Z")

    answer = await abc.metrics()

    assert failures(answer) == (1, 1, 1.0)
    assert answer["recovery_time_median_hours"] == 7.0


async def test_an_unlinked_incident_of_another_environment_marks_nothing(
    abc: Platform,
) -> None:
    await abc.deploy(deployment("d1", "a", "2024-01-02T10:00:00Z"))
    await incident(abc, "i1", "2024-01-02T11:00:00Z", environment="staging")

    answer = await abc.metrics()

    assert failures(answer) == (1, 0, 0.0)


async def test_an_unresolved_failure_counts_in_unrecovered_failures(
    abc: Platform,
) -> None:
    await abc.deploy(
        deployment("d1", "a", "2024-01-02T10:00:00Z"),
        deployment("d2", "b", "2024-01-03T10:00:00Z"),
    )
    await incident(abc, "i1", "2024-01-02T11:00:00Z", deployment_id="d1")
    await incident(abc, "i2", "2024-01-03T11:00:00Z", "2024-01-03T12:30:00Z")

    answer = await abc.metrics()

    assert failures(answer) == (2, 2, 1.0)
    assert answer["unrecovered_failures"] == 1
    assert answer["recovery_time_avg_hours"] == 2.5


async def test_recovery_ends_at_the_earliest_of_the_fixes(abc: Platform) -> None:
    await abc.deploy(
        deployment("d1", "a", "2024-01-02T10:00:00Z"),
        deployment("d2", "b", "2024-01-03T10:00:00Z"),
        deployment("d3", "a", "2024-01-03T15:00:00Z"),
    )
    await incident(
        abc, "i1", "2024-01-03T10:30:00Z", "2024-01-03T11:00:00Z", deployment_id="d2"
    )

    answer = await abc.metrics()

    assert failures(answer) == (3, 1, pytest.approx(1 / 3))
    assert answer["recovery_time_median_hours"] == 1.0


async def test_a_failed_attempt_is_not_a_failed_change(abc: Platform) -> None:
    await abc.deploy(
        deployment("d1", "a", "2024-01-02T10:00:00Z"),
        deployment("d2", "b", "2024-01-03T10:00:00Z", status=Status.FAILURE),
        deployment("d3", "b", "2024-01-03T11:00:00Z"),
    )

    answer = await abc.metrics()

    assert failures(answer) == (2, 0, 0.0)
    assert answer["failed_attempts"] == 1


async def test_without_deployments_the_rates_and_their_levels_are_null(
    platform: Platform,
) -> None:
    await platform.add_commits(commit("a"))

    answer = await platform.metrics()

    assert (answer["change_failure_rate"], answer["deployment_rework_rate"]) == (
        None,
        None,
    )
    assert answer["levels"] == {
        "benchmark": "dora-2023",
        "deployment_frequency": "low",
        "lead_time": None,
        "change_failure_rate": None,
        "recovery_time": None,
    }


async def test_resolving_an_incident_replaces_the_stored_answer(
    abc: Platform,
) -> None:
    await abc.deploy(deployment("d1", "a", "2024-01-02T10:00:00Z"))
    await incident(abc, "i1", "2024-01-02T11:00:00Z", deployment_id="d1")
    before = await abc.metrics()

    await incident(
        abc, "i1", "2024-01-02T11:00:00Z", "2024-01-02T13:00:00Z", deployment_id="d1"
    )
    after = await abc.metrics()

    assert (before["unrecovered_failures"], after["unrecovered_failures"]) == (1, 0)
    assert after["recovery_time_median_hours"] == 3.0


async def test_series_places_failures_in_their_periods(abc: Platform) -> None:
    await abc.deploy(
        deployment("d1", "a", "2024-01-02T10:00:00Z"),
        deployment("d2", "b", "2024-01-09T10:00:00Z"),
        deployment("d3", "a", "2024-01-09T12:00:00Z"),
        deployment("f1", "c", "2024-01-16T10:00:00Z", status=Status.FAILURE),
    )

    answer = await abc.metrics()

    by_week = [
        (p["failed_deployments"], p["change_failure_rate"], p["failed_attempts"])
        for p in answer["series"][:4]
    ]
    assert by_week == [(0, 0.0, 0), (1, 0.5, 0), (0, None, 1), (0, None, 0)]


async def test_compare_previous_carries_the_window_before(abc: Platform) -> None:
    await abc.deploy(
        deployment("d1", "a", "2023-12-20T10:00:00Z"),
        deployment("d2", "b", "2023-12-21T10:00:00Z"),
        deployment("d3", "a", "2023-12-21T11:00:00Z"),
        deployment("d4", "c", "2024-01-10T10:00:00Z"),
    )

    answer = await abc.metrics(compare="previous")

    previous = answer["previous"]
    assert (previous["from"], previous["to"]) == ("2023-12-01", "2023-12-31")
    assert failures(previous) == (3, 1, pytest.approx(1 / 3))
    assert failures(answer) == (1, 0, 0.0)
    assert previous["levels"]["change_failure_rate"] == "low"


async def test_without_compare_there_is_no_previous(abc: Platform) -> None:
    answer = await abc.metrics()

    assert "previous" not in answer
