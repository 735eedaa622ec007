"""Deployment frequency and lead-time statistics of a window."""

from __future__ import annotations

import enum
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from dora.domain import statistics
from dora.domain.errors import InvalidParameter
from dora.domain.window import Granularity, Period, Window

SECONDS_PER_HOUR = 3600.0


class LeadTimeFrom(enum.StrEnum):
    COMMITTED = "committed"
    AUTHORED = "authored"

    @classmethod
    def parse(cls, text: str) -> LeadTimeFrom:
        try:
            return cls(text)
        except ValueError:
            raise InvalidParameter(
                f"lead_time_from: {text!r} is not one of committed, authored"
            ) from None


# Tuples, not dataclasses: a long window reads tens of thousands of them.
class DeployedAt(NamedTuple):
    """A counted deployment, as far as the metrics need it."""

    finished_at: datetime
    known_sha: bool = True


class Change(NamedTuple):
    """A shipped change of a counted deployment, with its raw lead time."""

    finished_at: datetime
    lead_time_seconds: float


@dataclass(frozen=True)
class LeadTime:
    changes: int
    avg_hours: float | None
    median_hours: float | None
    p90_hours: float | None

    @classmethod
    def of(cls, hours: Sequence[float]) -> LeadTime:
        return cls(len(hours), *statistics.summary(hours))


@dataclass(frozen=True)
class PeriodFigures:
    period: Period
    deployment_frequency: int
    deployment_days: int
    lead_time: LeadTime


@dataclass(frozen=True)
class Figures:
    """DF and LT of one window, with its series and data-quality counters."""

    window: Window
    granularity: Granularity
    deployment_frequency: int
    deployment_days: int
    lead_time: LeadTime
    series: list[PeriodFigures]
    deployments_unknown_sha: int
    negative_lead_times_clamped: int

    @property
    def deployments_per_day(self) -> float:
        return self.deployment_frequency / self.window.days

    @property
    def deployments_per_week(self) -> float:
        return self.deployment_frequency / (self.window.days / 7)


def measure(
    window: Window,
    granularity: Granularity,
    deployments: Sequence[DeployedAt],
    changes: Sequence[Change],
) -> Figures:
    """Compute the figures of a window from its deployments and changes.

    Items outside the window are ignored, so callers may pass a superset.
    """
    days, unknown = _deployment_days(window, deployments)
    dated_hours, clamped = _dated_hours(window, changes)
    return Figures(
        window=window,
        granularity=granularity,
        deployment_frequency=len(days),
        deployment_days=len(set(days)),
        lead_time=LeadTime.of([hours for _, hours in dated_hours]),
        series=_series(window.periods(granularity), days, dated_hours),
        deployments_unknown_sha=unknown,
        negative_lead_times_clamped=clamped,
    )


def _deployment_days(
    window: Window, deployments: Sequence[DeployedAt]
) -> tuple[list[date], int]:
    """Return the local days of the window's deployments; count unknown shas."""
    first, after = window.bounds()
    days = []
    unknown = 0
    for deployment in deployments:
        if first <= deployment.finished_at < after:
            days.append(window.local_date(deployment.finished_at))
            unknown += not deployment.known_sha
    return days, unknown


def _dated_hours(
    window: Window, changes: Sequence[Change]
) -> tuple[list[tuple[date, float]], int]:
    """Return the local day and hours of the window's changes; count clamps."""
    first, after = window.bounds()
    dated_hours = []
    clamped = 0
    for change in changes:
        if first <= change.finished_at < after:
            seconds = change.lead_time_seconds
            clamped += seconds < 0
            hours = max(seconds, 0.0) / SECONDS_PER_HOUR
            dated_hours.append((window.local_date(change.finished_at), hours))
    return dated_hours, clamped


def _series(
    periods: list[Period], days: list[date], dated_hours: list[tuple[date, float]]
) -> list[PeriodFigures]:
    days_by_period: list[list[date]] = [[] for _ in periods]
    hours_by_period: list[list[float]] = [[] for _ in periods]
    starts = [period.start for period in periods]
    for day in days:
        days_by_period[_index(starts, day)].append(day)
    for day, hours in dated_hours:
        hours_by_period[_index(starts, day)].append(hours)
    return [
        PeriodFigures(
            period=period,
            deployment_frequency=len(period_days),
            deployment_days=len(set(period_days)),
            lead_time=LeadTime.of(period_hours),
        )
        for period, period_days, period_hours in zip(
            periods, days_by_period, hours_by_period, strict=True
        )
    ]


def _index(starts: list[date], day: date) -> int:
    return bisect_right(starts, day) - 1
