"""Deployment frequency and lead-time statistics of a window."""

from __future__ import annotations

import enum
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from dora.domain import lead_times
from dora.domain.errors import InvalidParameter
from dora.domain.lead_times import Change, LeadTime, LeadTimes
from dora.domain.window import Granularity, Period, Window

__all__ = ["Change", "DayTally", "DeployedAt", "Figures", "LeadTime", "measure"]


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


class DayTally(NamedTuple):
    """The counted deployments of one day of a window (its index, from 0)."""

    day: int
    deployments: int
    unknown_sha: int


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
    days = tally_days(window, deployments)
    return figures_of(
        window, granularity, days, lead_times.summarize(window, granularity, changes)
    )


def tally_days(window: Window, deployments: Iterable[DeployedAt]) -> list[DayTally]:
    """Count the deployments of each day of the window, in order of days."""
    tallies: dict[int, tuple[int, int]] = {}
    for finished_at, known_sha in deployments:
        day = window.day_index(finished_at)
        if day is not None:
            count, unknown = tallies.get(day, (0, 0))
            tallies[day] = (count + 1, unknown + (not known_sha))
    return [DayTally(day, *tallies[day]) for day in sorted(tallies)]


def figures_of(
    window: Window,
    granularity: Granularity,
    days: Sequence[DayTally],
    lead_time: LeadTimes,
) -> Figures:
    """Put the figures together from the days' tallies and the lead times."""
    periods = window.periods(granularity)
    return Figures(
        window=window,
        granularity=granularity,
        deployment_frequency=sum(tally.deployments for tally in days),
        deployment_days=len(days),
        lead_time=lead_time.total,
        series=_series(window, periods, days, lead_time.series),
        deployments_unknown_sha=sum(tally.unknown_sha for tally in days),
        negative_lead_times_clamped=lead_time.clamped,
    )


def local_days(window: Window, days: Iterable[DayTally]) -> list[date]:
    """Return the dates of the days tallied."""
    return [window.day(tally.day) for tally in days]


def _series(
    window: Window,
    periods: list[Period],
    days: Sequence[DayTally],
    period_lead_times: list[LeadTime],
) -> list[PeriodFigures]:
    firsts = [(period.start - window.start).days for period in periods]
    frequency = [0 for _ in periods]
    distinct = [0 for _ in periods]
    for tally in days:
        index = bisect_right(firsts, tally.day) - 1
        frequency[index] += tally.deployments
        distinct[index] += 1
    return [
        PeriodFigures(period, count, distinct_days, lead_time)
        for period, count, distinct_days, lead_time in zip(
            periods, frequency, distinct, period_lead_times, strict=True
        )
    ]
