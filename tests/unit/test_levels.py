"""DORA 2023 performance levels, each boundary from both sides."""

from __future__ import annotations

from datetime import date

import pytest

from dora.domain.levels import (
    DeploymentDays,
    Level,
    change_failure_rate_level,
    deployment_frequency_level,
    lead_time_level,
    recovery_time_level,
)
from dora.domain.window import Window

EPSILON = 1e-9


@pytest.mark.parametrize(
    ("hours", "level"),
    [
        (None, None),
        (0.0, Level.ELITE),
        (24 - EPSILON, Level.ELITE),
        (24.0, Level.HIGH),
        (168 - EPSILON, Level.HIGH),
        (168.0, Level.MEDIUM),
        (720 - EPSILON, Level.MEDIUM),
        (720.0, Level.LOW),
    ],
)
def test_lead_time_is_rated_on_its_median_under_a_day_week_month(
    hours: float | None, level: Level | None
) -> None:
    assert lead_time_level(hours) is level


@pytest.mark.parametrize(
    ("hours", "level"),
    [
        (None, None),
        (1 - EPSILON, Level.ELITE),
        (1.0, Level.HIGH),
        (24 - EPSILON, Level.HIGH),
        (24.0, Level.MEDIUM),
        (168 - EPSILON, Level.MEDIUM),
        (168.0, Level.LOW),
    ],
)
def test_recovery_time_is_rated_on_its_median_under_an_hour_day_week(
    hours: float | None, level: Level | None
) -> None:
    assert recovery_time_level(hours) is level


@pytest.mark.parametrize(
    ("rate", "level"),
    [
        (None, None),
        (0.0, Level.ELITE),
        (0.05, Level.ELITE),
        (0.05 + EPSILON, Level.HIGH),
        (0.10, Level.HIGH),
        (0.10 + EPSILON, Level.MEDIUM),
        (0.15, Level.MEDIUM),
        (0.15 + EPSILON, Level.LOW),
        (1.0, Level.LOW),
    ],
)
def test_change_failure_rate_is_rated_at_most_5_10_15_percent(
    rate: float | None, level: Level | None
) -> None:
    assert change_failure_rate_level(rate) is level


@pytest.mark.parametrize(
    ("per_week", "per_month", "level"),
    [
        (5.0, 22.0, Level.ELITE),
        (4.5, 20.0, Level.HIGH),
        (1.0, 4.0, Level.HIGH),
        (0.5, 2.0, Level.MEDIUM),
        (0.0, 1.0, Level.MEDIUM),
        (0.0, 0.5, Level.LOW),
        (0.0, 0.0, Level.LOW),
    ],
)
def test_deployment_frequency_is_rated_on_median_deployment_days(
    per_week: float, per_month: float, level: Level
) -> None:
    assert deployment_frequency_level(per_week, per_month) is level


def test_deployment_days_count_whole_weeks_and_months_only() -> None:
    # January 2024 begins on a Monday: four whole weeks, then 29 to 31.
    window = Window.parse("2024-01-01", "2024-01-31")
    days = [date(2024, 1, d) for d in (1, 2, 3, 4, 5, 8, 9, 15, 29, 30, 31)]

    medians = DeploymentDays.of(window, days)

    # Whole weeks hold 5, 2, 1 and 0 days: the median is 1.5; the clipped
    # last week (3 days) is left out. The one whole month holds 11.
    assert medians == DeploymentDays(per_week=1.5, per_month=11.0)


def test_a_window_without_a_whole_week_uses_its_clipped_weeks() -> None:
    window = Window.parse("2024-01-03", "2024-01-05")

    medians = DeploymentDays.of(window, [date(2024, 1, 3), date(2024, 1, 5)])

    assert medians == DeploymentDays(per_week=2.0, per_month=2.0)


def test_deployment_days_are_counted_once_however_many_deployments() -> None:
    window = Window.parse("2024-01-01", "2024-01-07")

    medians = DeploymentDays.of(window, [date(2024, 1, 1)] * 3)

    assert medians.per_week == 1.0
