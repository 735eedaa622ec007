"""Lead time for changes, from shipped commits to the answer."""

from __future__ import annotations

import pytest

from dora.domain.lead_times import US_PER_SECOND
from dora.domain.metrics import Change, measure
from dora.domain.model import Commit, Status
from dora.domain.window import Granularity, Window

from .builders import Platform, at, commit, deployment, linear_history

HOUR = 3600 * US_PER_SECOND


def seed_history() -> list[Commit]:
    return [
        commit("c1", committed="2024-01-01T09:00:00Z"),
        commit("c2", "c1", committed="2024-01-01T12:00:00Z"),
        commit("c3", "c2", committed="2024-01-02T09:00:00Z"),
    ]


async def test_lead_time_runs_from_commit_to_the_deployment_that_shipped_it(
    platform: Platform,
) -> None:
    await platform.add_commits(*seed_history())
    await platform.deploy(
        deployment("d1", "c2", "2024-01-01T15:00:00Z"),
        deployment("d2", "c3", "2024-01-02T12:00:00Z"),
    )

    answer = await platform.metrics()

    assert answer["changes"] == 3
    assert answer["lead_time_avg_hours"] == pytest.approx(4.0)
    assert answer["lead_time_median_hours"] == pytest.approx(3.0)
    assert answer["lead_time_p90_hours"] == pytest.approx(5.4)


async def test_statistics_are_taken_over_changes_not_over_deployments(
    platform: Platform,
) -> None:
    await platform.add_commits(
        *linear_history("a1", "a2", "a3", "a4", start_hour=9),
        commit("b1", "a4", committed="2024-01-01T14:00:00Z"),
    )
    await platform.deploy(
        deployment("d1", "a4", "2024-01-01T13:00:00Z"),
        deployment("d2", "b1", "2024-01-02T00:00:00Z"),
    )

    answer = await platform.metrics()

    # a1..a4 wait 4, 3, 2, 1 hours; b1 waits 10 hours. Per deployment the
    # averages would be 2.5 and 10 (mean 6.25, median 6.25).
    assert answer["changes"] == 5
    assert answer["lead_time_avg_hours"] == pytest.approx(4.0)
    assert answer["lead_time_median_hours"] == pytest.approx(3.0)


async def test_failed_deployment_leaves_the_commits_to_its_successful_retry(
    platform: Platform,
) -> None:
    await platform.add_commits(*seed_history())
    await platform.deploy(
        deployment("d1", "c3", "2024-01-02T10:00:00Z", status=Status.FAILURE),
        deployment("d2", "c3", "2024-01-02T11:00:00Z"),
    )

    answer = await platform.metrics()

    assert answer["changes"] == 3
    assert answer["lead_time_avg_hours"] == pytest.approx(17.0)


async def test_baseline_changes_are_not_counted_and_not_charged_later(
    platform: Platform,
) -> None:
    await platform.add_commits(*seed_history())
    await platform.deploy(
        deployment("base", "c2", "2024-01-01T13:00:00Z", baseline=True),
        deployment("d1", "c3", "2024-01-02T12:00:00Z"),
    )

    answer = await platform.metrics()

    assert answer["changes"] == 1
    assert answer["lead_time_avg_hours"] == pytest.approx(3.0)


async def test_environments_are_separate_chains(platform: Platform) -> None:
    await platform.add_commits(*seed_history())
    await platform.deploy(
        deployment("s1", "c3", "2024-01-02T10:00:00Z", environment="staging"),
        deployment("p1", "c3", "2024-01-02T13:00:00Z"),
    )

    production = await platform.metrics()
    staging = await platform.metrics(environment="staging")

    assert production["changes"] == 3
    assert production["lead_time_median_hours"] == pytest.approx(25.0)
    assert staging["changes"] == 3
    assert staging["lead_time_median_hours"] == pytest.approx(22.0)


async def test_merge_deployment_is_charged_with_the_merged_branch(
    platform: Platform,
) -> None:
    await platform.add_commits(
        commit("m0", committed="2024-01-01T08:00:00Z"),
        commit("f1", "m0", committed="2024-01-02T08:00:00Z"),
        commit("f2", "f1", committed="2024-01-02T10:00:00Z"),
        commit("m1", "m0", committed="2024-01-02T11:00:00Z"),
        commit("mm", "m1", "f2", committed="2024-01-03T08:00:00Z"),
    )
    await platform.deploy(
        deployment("base", "m0", "2024-01-01T09:00:00Z", baseline=True),
        deployment("d1", "mm", "2024-01-03T10:00:00Z"),
    )

    answer = await platform.metrics()

    assert answer["changes"] == 4
    assert answer["lead_time_avg_hours"] == pytest.approx(18.75)
    assert answer["lead_time_median_hours"] == pytest.approx(23.5)


async def test_window_selects_changes_by_the_finish_of_their_deployment(
    platform: Platform,
) -> None:
    await platform.add_commits(
        *linear_history("c1", "c2", "c3"),
        commit("c4", "c3", committed="2024-01-03T09:00:00Z"),
    )
    await platform.deploy(
        deployment("d1", "c3", "2024-01-02T10:00:00Z"),
        deployment("rollback", "c2", "2024-01-02T11:00:00Z"),
        deployment("d3", "c4", "2024-01-03T10:00:00Z"),
    )

    whole = await platform.metrics("2024-01-01", "2024-01-31")
    last_day = await platform.metrics("2024-01-03", "2024-01-03")

    assert (whole["deployment_frequency"], whole["changes"]) == (3, 4)
    assert (last_day["deployment_frequency"], last_day["changes"]) == (1, 1)
    assert last_day["lead_time_avg_hours"] == pytest.approx(1.0)


async def test_lead_time_can_be_measured_from_authoring(platform: Platform) -> None:
    await platform.add_commits(
        commit("c1", committed="2024-01-02T09:00:00Z", authored="2024-01-01T09:00:00Z")
    )
    await platform.deploy(deployment("d1", "c1", "2024-01-02T10:00:00Z"))

    committed = await platform.metrics()
    authored = await platform.metrics(lead_time_from="authored")

    assert committed["lead_time_avg_hours"] == pytest.approx(1.0)
    assert authored["lead_time_avg_hours"] == pytest.approx(25.0)


async def test_commit_without_an_author_time_measures_from_its_commit_time(
    platform: Platform,
) -> None:
    await platform.add_commits(commit("c1", committed="2024-01-02T09:00:00Z"))
    await platform.deploy(deployment("d1", "c1", "2024-01-02T10:00:00Z"))

    authored = await platform.metrics(lead_time_from="authored")

    assert authored["lead_time_avg_hours"] == pytest.approx(1.0)


def test_negative_lead_time_is_clamped_to_zero_and_counted() -> None:
    window = Window.parse("2024-01-01", "2024-01-31")
    finished = at("2024-01-10T10:00:00Z")
    changes = [Change(finished, -2 * HOUR), Change(finished, 4 * HOUR)]

    figures = measure(window, Granularity.WEEK, [], changes)

    assert figures.lead_time.avg_hours == pytest.approx(2.0)
    assert figures.lead_time.median_hours == pytest.approx(2.0)
    assert figures.negative_lead_times_clamped == 1


async def test_commit_dated_after_its_deployment_counts_as_zero_lead_time(
    platform: Platform,
) -> None:
    await platform.add_commits(commit("c1", committed="2024-01-02T12:00:00Z"))
    await platform.deploy(deployment("d1", "c1", "2024-01-02T10:00:00Z"))

    answer = await platform.metrics()

    assert answer["changes"] == 1
    assert answer["lead_time_avg_hours"] == 0.0
    assert answer["data_quality"]["negative_lead_times_clamped"] == 1


def test_lead_time_hours_keep_fractions_of_an_hour() -> None:
    window = Window.parse("2024-01-01", "2024-01-31")
    changes = [Change(at("2024-01-10T10:00:00Z"), 90 * US_PER_SECOND)]

    figures = measure(window, Granularity.WEEK, [], changes)

    assert figures.lead_time.avg_hours == pytest.approx(0.025)


def test_window_without_changes_has_no_lead_time() -> None:
    window = Window.parse("2024-01-01", "2024-01-31")
    outside = [Change(at("2024-02-01T00:00:00Z"), HOUR)]

    figures = measure(window, Granularity.WEEK, [], outside)

    assert figures.lead_time.changes == 0
    assert figures.lead_time.avg_hours is None
    assert figures.lead_time.median_hours is None
    assert figures.lead_time.p90_hours is None
