"""Deployment frequency: which deployments count, and the rates derived."""

from __future__ import annotations

import pytest

from dora.domain.metrics import DeployedAt, measure
from dora.domain.model import Status
from dora.domain.window import Granularity, Window

from .builders import Platform, at, deployment, linear_history


def deployed(*instants: str) -> list[DeployedAt]:
    return [DeployedAt(at(instant)) for instant in instants]


async def test_successful_deployment_counts(platform: Platform) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1"))

    answer = await platform.metrics()

    assert answer["deployment_frequency"] == 1


@pytest.mark.parametrize("status", [Status.FAILURE, Status.RUNNING, Status.CANCELED])
async def test_deployment_that_did_not_succeed_never_counts(
    platform: Platform, status: Status
) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1", status=status))

    answer = await platform.metrics()

    assert answer["deployment_frequency"] == 0
    assert answer["deployment_days"] == 0


async def test_deployment_to_another_environment_does_not_count(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1", environment="staging"))

    production = await platform.metrics()
    staging = await platform.metrics(environment="staging")

    assert production["deployment_frequency"] == 0
    assert staging["deployment_frequency"] == 1


async def test_baseline_never_counts(platform: Platform) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("base", "c1", baseline=True))

    answer = await platform.metrics()

    assert answer["deployment_frequency"] == 0
    assert answer["deployment_days"] == 0


@pytest.mark.parametrize(
    ("finished", "counted"),
    [
        ("2023-12-31T23:59:59.999999Z", 0),
        ("2024-01-01T00:00:00Z", 1),
        ("2024-01-31T23:59:59.999999Z", 1),
        ("2024-02-01T00:00:00Z", 0),
    ],
)
async def test_window_holds_both_edge_days_and_not_the_instant_after(
    platform: Platform, finished: str, counted: int
) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1", finished))

    answer = await platform.metrics("2024-01-01", "2024-01-31")

    assert answer["deployment_frequency"] == counted


async def test_deployment_is_placed_in_the_window_by_its_finish_time(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(
        deployment("d1", "c1", "2024-01-01T00:10:00Z", started="2023-12-31T23:50:00Z")
    )

    december = await platform.metrics("2023-12-01", "2023-12-31")
    january = await platform.metrics("2024-01-01", "2024-01-31")

    assert december["deployment_frequency"] == 0
    assert january["deployment_frequency"] == 1


async def test_time_zone_of_the_window_decides_the_day_of_a_deployment(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1", "2024-03-04T23:30:00Z"))

    utc = await platform.metrics("2024-03-05", "2024-03-05")
    berlin = await platform.metrics("2024-03-05", "2024-03-05", tz="Europe/Berlin")

    assert utc["deployment_frequency"] == 0
    assert berlin["deployment_frequency"] == 1


def test_rates_per_day_and_per_week_are_exact_fractions() -> None:
    window = Window.parse("2024-01-01", "2024-01-31")
    deployments = deployed("2024-01-05T10:00:00Z", "2024-01-20T10:00:00Z")

    figures = measure(window, Granularity.WEEK, deployments, [])

    assert figures.deployments_per_day == 2 / 31
    assert figures.deployments_per_week == pytest.approx(14 / 31, rel=1e-15)


async def test_answer_gives_rates_as_fractions_not_whole_numbers(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1", "c2"))
    await platform.deploy(
        deployment("d1", "c1", "2024-01-05T10:00:00Z"),
        deployment("d2", "c2", "2024-01-20T10:00:00Z"),
    )

    answer = await platform.metrics("2024-01-01", "2024-01-31")

    assert answer["deployments_per_day"] == pytest.approx(2 / 31, abs=1e-6)
    assert answer["deployments_per_week"] == pytest.approx(14 / 31, abs=1e-6)


def test_deployment_days_counts_distinct_days() -> None:
    window = Window.parse("2024-01-01", "2024-01-31")
    deployments = deployed(
        "2024-01-05T09:00:00Z", "2024-01-05T17:00:00Z", "2024-01-06T09:00:00Z"
    )

    figures = measure(window, Granularity.WEEK, deployments, [])

    assert figures.deployment_frequency == 3
    assert figures.deployment_days == 2


def test_deployment_days_are_local_days_of_the_time_zone() -> None:
    deployments = deployed("2024-03-04T23:30:00Z", "2024-03-05T00:30:00Z")
    utc = Window.parse("2024-03-01", "2024-03-31")
    berlin = Window.parse("2024-03-01", "2024-03-31", "Europe/Berlin")

    in_utc = measure(utc, Granularity.WEEK, deployments, [])
    in_berlin = measure(berlin, Granularity.WEEK, deployments, [])

    assert in_utc.deployment_days == 2
    assert in_berlin.deployment_days == 1


async def test_redeploy_of_the_same_sha_counts(platform: Platform) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(
        deployment("d1", "c1", "2024-01-02T10:00:00Z"),
        deployment("d2", "c1", "2024-01-02T11:00:00Z"),
    )

    answer = await platform.metrics()

    assert answer["deployment_frequency"] == 2


async def test_rollback_to_an_older_sha_counts(platform: Platform) -> None:
    await platform.add_commits(*linear_history("c1", "c2"))
    await platform.deploy(
        deployment("d1", "c2", "2024-01-02T10:00:00Z"),
        deployment("rollback", "c1", "2024-01-02T11:00:00Z"),
    )

    answer = await platform.metrics()

    assert answer["deployment_frequency"] == 2


def test_measure_ignores_deployments_outside_the_window() -> None:
    window = Window.parse("2024-01-01", "2024-01-31")
    deployments = deployed("2023-12-31T23:00:00Z", "2024-01-10T10:00:00Z")

    figures = measure(window, Granularity.WEEK, deployments, [])

    assert figures.deployment_frequency == 1


@pytest.mark.parametrize(
    ("finished", "counted"),
    [
        ("2024-10-26T21:59:59Z", 0),
        ("2024-10-26T22:00:00Z", 1),
        ("2024-10-27T22:59:59Z", 1),
        ("2024-10-27T23:00:00Z", 0),
    ],
)
async def test_window_edges_follow_the_local_clock_on_a_25_hour_day(
    platform: Platform, finished: str, counted: int
) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1", finished))

    answer = await platform.metrics("2024-10-27", "2024-10-27", tz="Europe/Berlin")

    assert answer["deployment_frequency"] == counted
