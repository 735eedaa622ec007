"""Performance levels of the DORA 2023 report's clusters."""

from __future__ import annotations

import enum
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dora.domain import statistics
from dora.domain.window import Granularity, Period, Window

BENCHMARK = "dora-2023"
HOURS_PER_DAY = 24.0
HOURS_PER_WEEK = 7 * HOURS_PER_DAY
# The report's "month" of lead time and recovery time, taken as 30 days.
HOURS_PER_MONTH = 30 * HOURS_PER_DAY


class Level(enum.StrEnum):
    ELITE = "elite"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


def lead_time_level(median_hours: float | None) -> Level | None:
    """Rate the median lead time: under a day, a week, a month."""
    if median_hours is None:
        return None
    return _under(median_hours, HOURS_PER_DAY, HOURS_PER_WEEK, HOURS_PER_MONTH)


def recovery_time_level(median_hours: float | None) -> Level | None:
    """Rate the median recovery time: under an hour, a day, a week."""
    if median_hours is None:
        return None
    return _under(median_hours, 1.0, HOURS_PER_DAY, HOURS_PER_WEEK)


def change_failure_rate_level(rate: float | None) -> Level | None:
    """Rate the change failure rate: at most 5%, 10%, 15%."""
    if rate is None:
        return None
    if rate <= 0.05:
        return Level.ELITE
    if rate <= 0.10:
        return Level.HIGH
    if rate <= 0.15:
        return Level.MEDIUM
    return Level.LOW


def deployment_frequency_level(days_per_week: float, days_per_month: float) -> Level:
    """Rate deployment frequency by median deployment days per week and month.

    Five days a week is deploying on demand; one a week is high; one a month
    is medium.
    """
    if days_per_week >= 5:
        return Level.ELITE
    if days_per_week >= 1:
        return Level.HIGH
    if days_per_month >= 1:
        return Level.MEDIUM
    return Level.LOW


def _under(value: float, elite: float, high: float, medium: float) -> Level:
    if value < elite:
        return Level.ELITE
    if value < high:
        return Level.HIGH
    if value < medium:
        return Level.MEDIUM
    return Level.LOW


@dataclass(frozen=True)
class DeploymentDays:
    """Median deployment days per week and per month of a window."""

    per_week: float
    per_month: float

    @classmethod
    def of(cls, window: Window, days: Iterable[date]) -> DeploymentDays:
        """Take the medians over the window's whole ISO weeks and months.

        A period clipped by the window's edges would read as a slow one (a
        window starting on a Friday holds at most three days of its first
        week), so clipped periods are left out; only a window holding no
        whole week (or month) falls back to its clipped ones.
        """
        distinct = set(days)
        return cls(
            per_week=_median_days(window, Granularity.WEEK, distinct),
            per_month=_median_days(window, Granularity.MONTH, distinct),
        )


def _median_days(window: Window, granularity: Granularity, days: set[date]) -> float:
    periods = window.periods(granularity)
    whole = [p for p in periods if _is_whole(p, granularity)]
    ordered = sorted(days)
    counts = sorted(
        float(bisect_right(ordered, p.end) - bisect_left(ordered, p.start))
        for p in whole or periods
    )
    median = statistics.median(counts)
    assert median is not None, "a window has at least one period"
    return median


def _is_whole(period: Period, granularity: Granularity) -> bool:
    if granularity is Granularity.WEEK:
        return period.start.weekday() == 0 and (period.end - period.start).days == 6
    return period.start.day == 1 and (period.end + timedelta(1)).day == 1
