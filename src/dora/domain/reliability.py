"""Change failure rate, recovery time, rework and failed attempts of a window."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from dora.domain import statistics
from dora.domain.failures import Outcome
from dora.domain.window import Granularity, Period, Window

SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True)
class RecoveryTime:
    avg_hours: float | None
    median_hours: float | None
    p90_hours: float | None

    @classmethod
    def of(cls, hours: Sequence[float]) -> RecoveryTime:
        return cls(*statistics.summary(hours))


@dataclass(frozen=True)
class Reliability:
    """The failure figures of a set of counted deployments."""

    deployments: int
    failed_deployments: int
    recovery_time: RecoveryTime
    unrecovered_failures: int
    rework: int
    failed_attempts: int

    @classmethod
    def of(cls, outcomes: Sequence[Outcome], failed_attempts: int) -> Reliability:
        failed = [o for o in outcomes if o.failed]
        hours = [
            seconds / SECONDS_PER_HOUR
            for seconds in (o.recovery_seconds for o in failed)
            if seconds is not None
        ]
        return cls(
            deployments=len(outcomes),
            failed_deployments=len(failed),
            recovery_time=RecoveryTime.of(hours),
            unrecovered_failures=len(failed) - len(hours),
            rework=sum(1 for o in outcomes if o.rework),
            failed_attempts=failed_attempts,
        )

    @property
    def change_failure_rate(self) -> float | None:
        if not self.deployments:
            return None
        return self.failed_deployments / self.deployments

    @property
    def deployment_rework_rate(self) -> float | None:
        if not self.deployments:
            return None
        return self.rework / self.deployments


@dataclass(frozen=True)
class ReliabilityFigures:
    """The window's failure figures and one set per period of its series."""

    total: Reliability
    series: list[tuple[Period, Reliability]]


def measure_reliability(
    window: Window,
    granularity: Granularity,
    outcomes: Sequence[Outcome],
    failed_attempts: Sequence[datetime],
) -> ReliabilityFigures:
    """Sum up outcomes and failed attempts; those outside the window are ignored."""
    inside = [o for o in outcomes if window.contains(o.finished_at)]
    attempts = [at for at in failed_attempts if window.contains(at)]
    periods = window.periods(granularity)
    starts = window.period_starts(granularity)
    by_period: list[list[Outcome]] = [[] for _ in periods]
    attempts_by_period = [0 for _ in periods]
    for outcome in inside:
        by_period[bisect_right(starts, outcome.finished_at) - 1].append(outcome)
    for at in attempts:
        attempts_by_period[bisect_right(starts, at) - 1] += 1
    return ReliabilityFigures(
        total=Reliability.of(inside, len(attempts)),
        series=[
            (period, Reliability.of(period_outcomes, period_attempts))
            for period, period_outcomes, period_attempts in zip(
                periods, by_period, attempts_by_period, strict=True
            )
        ],
    )
