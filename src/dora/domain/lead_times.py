"""Lead-time statistics of a window's changes, in total and per period.

Lead times are whole microseconds, as stored: sums of them are exact, so the
mean is the same whether Python or a database adds them up.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from dora.domain import statistics
from dora.domain.window import Granularity, Window

MICROSECOND = timedelta(microseconds=1)
US_PER_SECOND = 1_000_000
US_PER_HOUR = 3600 * US_PER_SECOND


class Change(NamedTuple):
    """A shipped change of a counted deployment, with its raw lead time."""

    finished_at: datetime
    lead_time_us: int

    @classmethod
    def between(cls, finished_at: datetime, began: datetime) -> Change:
        """The change of a deployment finished at `finished_at`, begun at `began`."""
        return cls(finished_at, (finished_at - began) // MICROSECOND)


def hours(microseconds: int) -> float:
    """Convert a clamped lead time to hours: one correctly rounded division."""
    return microseconds / US_PER_HOUR


@dataclass(frozen=True)
class LeadTime:
    changes: int
    avg_hours: float | None
    median_hours: float | None
    p90_hours: float | None

    @classmethod
    def of(cls, microseconds: Sequence[int]) -> LeadTime:
        """Summarize clamped (non-negative) lead times given in microseconds."""
        ordered = [hours(value) for value in sorted(microseconds)]
        return cls.summed(
            len(ordered),
            sum(microseconds),
            statistics.median(ordered),
            statistics.percentile(ordered, 0.9),
        )

    @classmethod
    def summed(
        cls,
        changes: int,
        total_us: int,
        median_hours: float | None,
        p90_hours: float | None,
    ) -> LeadTime:
        """Build the statistics from a count, an exact sum and the percentiles."""
        avg = total_us / (changes * US_PER_HOUR) if changes else None
        return cls(changes, avg, median_hours, p90_hours)


NO_LEAD_TIME = LeadTime(0, None, None, None)


@dataclass(frozen=True)
class LeadTimes:
    """The window's lead-time statistics, one set per period of its series."""

    total: LeadTime
    series: list[LeadTime]
    clamped: int


def summarize(
    window: Window, granularity: Granularity, changes: Iterable[Change]
) -> LeadTimes:
    """Take the statistics of the changes; those outside the window are ignored."""
    first, after = window.bounds()
    starts = window.period_starts(granularity)
    by_period: list[list[int]] = [[] for _ in starts]
    clamped = 0
    for finished_at, lead_time_us in changes:
        if first <= finished_at < after:
            clamped += lead_time_us < 0
            index = bisect_right(starts, finished_at) - 1
            by_period[index].append(max(lead_time_us, 0))
    return LeadTimes(
        total=LeadTime.of([value for values in by_period for value in values]),
        series=[LeadTime.of(values) for values in by_period],
        clamped=clamped,
    )
