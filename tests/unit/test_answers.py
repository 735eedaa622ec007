"""The metrics answer: series, data-quality counters and rollups."""

from __future__ import annotations

import pytest

from dora.domain.lead_times import US_PER_HOUR as HOUR
from dora.domain.lead_times import US_PER_SECOND
from dora.domain.metrics import Change, DeployedAt, measure
from dora.domain.window import Granularity, Window

from .builders import Platform, at, commit, deployment, linear_history


async def test_deployment_of_an_unknown_sha_is_counted_in_data_quality(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(
        deployment("d1", "c1", "2024-01-02T10:00:00Z"),
        deployment("d2", "not-pushed", "2024-01-03T10:00:00Z"),
    )

    answer = await platform.metrics()

    assert answer["deployment_frequency"] == 2
    assert answer["changes"] == 1
    assert answer["data_quality"]["deployments_unknown_sha"] == 1


async def test_commits_that_arrive_later_are_attributed_on_the_next_question(
    platform: Platform,
) -> None:
    await platform.deploy(deployment("d1", "c3", "2024-01-02T10:00:00Z"))
    before = await platform.metrics()
    await platform.add_commits(*linear_history("c1", "c2", "c3"))

    after = await platform.metrics()

    assert (before["changes"], after["changes"]) == (0, 3)
    assert before["data_quality"]["deployments_unknown_sha"] == 1
    assert after["data_quality"]["deployments_unknown_sha"] == 0


async def test_data_quality_counts_only_what_lies_in_the_window(
    platform: Platform,
) -> None:
    await platform.add_commits(commit("c1", committed="2024-02-02T12:00:00Z"))
    await platform.deploy(
        deployment("d1", "c1", "2024-02-02T10:00:00Z"),
        deployment("d2", "not-pushed", "2024-02-03T10:00:00Z"),
    )

    january = await platform.metrics("2024-01-01", "2024-01-31")

    assert january["data_quality"] == {
        "deployments_unknown_sha": 0,
        "negative_lead_times_clamped": 0,
    }


def test_series_holds_empty_periods_with_zeros_and_no_lead_time() -> None:
    window = Window.parse("2024-01-01", "2024-01-21")
    finished = at("2024-01-16T10:00:00Z")

    figures = measure(
        window, Granularity.WEEK, [DeployedAt(finished)], [Change(finished, 2 * HOUR)]
    )

    empty = figures.series[0]
    assert len(figures.series) == 3
    assert (empty.deployment_frequency, empty.deployment_days) == (0, 0)
    assert empty.lead_time.changes == 0
    assert empty.lead_time.avg_hours is None
    assert empty.lead_time.median_hours is None
    assert empty.lead_time.p90_hours is None


async def test_weekly_series_is_clipped_to_the_window(platform: Platform) -> None:
    await platform.add_commits(*linear_history("c1", "c2", "c3"))
    await platform.deploy(
        deployment("d1", "c2", "2024-01-03T10:00:00Z"),
        deployment("d2", "c3", "2024-01-15T10:00:00Z"),
    )

    answer = await platform.metrics("2024-01-03", "2024-01-16", granularity="week")

    series = [
        (p["period_start"], p["period_end"], p["deployment_frequency"], p["changes"])
        for p in answer["series"]
    ]
    assert series == [
        ("2024-01-03", "2024-01-07", 1, 2),
        ("2024-01-08", "2024-01-14", 0, 0),
        ("2024-01-15", "2024-01-16", 1, 1),
    ]
    assert answer["series"][1]["lead_time_avg_hours"] is None
    assert answer["series"][1]["lead_time_median_hours"] is None
    assert answer["series"][1]["lead_time_p90_hours"] is None


async def test_series_places_a_deployment_on_its_local_day(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1", "2024-03-04T23:30:00Z"))

    answer = await platform.metrics(
        "2024-03-04", "2024-03-05", granularity="day", tz="Europe/Berlin"
    )

    frequencies = [p["deployment_frequency"] for p in answer["series"]]
    assert frequencies == [0, 1]


def test_series_statistics_are_taken_within_each_period() -> None:
    window = Window.parse("2024-01-01", "2024-01-14")
    week_one, week_two = at("2024-01-03T10:00:00Z"), at("2024-01-10T10:00:00Z")
    changes = [
        Change(week_one, HOUR),
        Change(week_one, 3 * HOUR),
        Change(week_two, 10 * HOUR),
    ]

    figures = measure(window, Granularity.WEEK, [], changes)

    averages = [period.lead_time.avg_hours for period in figures.series]
    assert averages == [pytest.approx(2.0), pytest.approx(10.0)]
    assert figures.lead_time.avg_hours == pytest.approx(14 / 3)


async def test_org_rollup_adds_counts_and_pools_changes(platform: Platform) -> None:
    await platform.add_commits(*linear_history("a1", "a2"), repo="acme/web/api")
    await platform.add_commits(*linear_history("b1"), repo="acme/pay/api")
    await platform.deploy(
        deployment("d1", "a2", "2024-01-01T11:00:00Z"), repo="acme/web/api"
    )
    await platform.deploy(
        deployment("d1", "b1", "2024-01-01T19:00:00Z"), repo="acme/pay/api"
    )

    org = await platform.metrics(scope="org", id="acme")

    # Lead times are 2 and 1 hours in one repo and 10 hours in the other.
    assert org["deployment_frequency"] == 2
    assert org["deployment_days"] == 1
    assert org["changes"] == 3
    assert org["lead_time_median_hours"] == pytest.approx(2.0)
    assert org["lead_time_avg_hours"] == pytest.approx(13 / 3)


async def test_project_rollup_takes_only_the_repos_beneath_it(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1"), repo="acme/web/api")
    await platform.add_commits(*linear_history("c1"), repo="acme/web/ui")
    await platform.add_commits(*linear_history("c1"), repo="acme/pay/api")
    for repo in ("acme/web/api", "acme/web/ui", "acme/pay/api"):
        await platform.deploy(deployment("d1", "c1"), repo=repo)

    project = await platform.metrics(scope="project", id="acme/web")

    assert project["deployment_frequency"] == 2


def test_clamped_lead_times_are_counted_only_within_the_window() -> None:
    window = Window.parse("2024-01-01", "2024-01-31")
    changes = [
        Change(at("2024-01-10T10:00:00Z"), -60 * US_PER_SECOND),
        Change(at("2024-02-01T00:00:00Z"), -60 * US_PER_SECOND),
    ]

    figures = measure(window, Granularity.WEEK, [], changes)

    assert figures.negative_lead_times_clamped == 1


def test_unknown_shas_are_counted_only_within_the_window() -> None:
    window = Window.parse("2024-01-01", "2024-01-31")
    deployments = [
        DeployedAt(at("2024-01-10T10:00:00Z"), known_sha=False),
        DeployedAt(at("2023-12-31T23:59:59Z"), known_sha=False),
        DeployedAt(at("2024-01-11T10:00:00Z"), known_sha=True),
    ]

    figures = measure(window, Granularity.WEEK, deployments, [])

    assert figures.deployments_unknown_sha == 1
