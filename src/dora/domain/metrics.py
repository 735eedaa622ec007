"""Deployment frequency and lead-time statistics of a window."""

from __future__ import annotations

import enum
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

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


@dataclass(frozen=True)
class DeployedAt:
    """A counted deployment, as far as the metrics need it."""

    finished_at: datetime
    known_sha: bool = True


@dataclass(frozen=True)
class Change:
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
        ordered = sorted(hours)
        return cls(
            changes=len(ordered),
            avg_hours=statistics.mean(ordered),
            median_hours=statistics.median(ordered),
            p90_hours=statistics.percentile(ordered, 0.9),
        )


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
    days = [
        window.local_date(d.finished_at)
        for d in deployments
        if window.contains(d.finished_at)
    ]
    dated_hours = [
        (
            window.local_date(c.finished_at),
            max(c.lead_time_seconds, 0.0) / SECONDS_PER_HOUR,
        )
        for c in changes
        if window.contains(c.finished_at)
    ]
    clamped = sum(
        1 for c in changes if c.lead_time_seconds < 0 and window.contains(c.finished_at)
    )
    unknown = sum(
        1 for d in deployments if not d.known_sha and window.contains(d.finished_at)
    )
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
