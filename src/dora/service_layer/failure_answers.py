"""The failure figures, levels and comparison of the metrics answer."""

from __future__ import annotations

from typing import Any

from dora.domain.levels import (
    BENCHMARK,
    DeploymentDays,
    change_failure_rate_level,
    deployment_frequency_level,
    lead_time_level,
    recovery_time_level,
)
from dora.domain.metrics import Figures
from dora.domain.reliability import Reliability
from dora.service_layer.wire import rounded

# What `previous` repeats of the earlier window's answer: its figures, not
# its series or bookkeeping.
COMPARED = (
    "from",
    "to",
    "deployment_frequency",
    "deployments_per_day",
    "deployments_per_week",
    "deployment_days",
    "changes",
    "lead_time_avg_hours",
    "lead_time_median_hours",
    "lead_time_p90_hours",
    "failed_deployments",
    "change_failure_rate",
    "recovery_time_avg_hours",
    "recovery_time_median_hours",
    "recovery_time_p90_hours",
    "unrecovered_failures",
    "deployment_rework_rate",
    "failed_attempts",
    "deployment_days_per_week_median",
    "deployment_days_per_month_median",
    "levels",
)


def reliability_json(reliability: Reliability) -> dict[str, Any]:
    recovery = reliability.recovery_time
    return {
        "failed_deployments": reliability.failed_deployments,
        "change_failure_rate": rounded(reliability.change_failure_rate),
        "recovery_time_avg_hours": rounded(recovery.avg_hours),
        "recovery_time_median_hours": rounded(recovery.median_hours),
        "recovery_time_p90_hours": rounded(recovery.p90_hours),
        "unrecovered_failures": reliability.unrecovered_failures,
        "deployment_rework_rate": rounded(reliability.deployment_rework_rate),
        "failed_attempts": reliability.failed_attempts,
    }


def period_reliability_json(reliability: Reliability) -> dict[str, Any]:
    return {
        "failed_deployments": reliability.failed_deployments,
        "change_failure_rate": rounded(reliability.change_failure_rate),
        "recovery_time_median_hours": rounded(reliability.recovery_time.median_hours),
        "failed_attempts": reliability.failed_attempts,
    }


def levels_json(
    figures: Figures, reliability: Reliability, days: DeploymentDays
) -> dict[str, Any]:
    """Rate each metric; the levels of a metric without a value are null."""
    levels = {
        "deployment_frequency": deployment_frequency_level(
            days.per_week, days.per_month
        ),
        "lead_time": lead_time_level(figures.lead_time.median_hours),
        "change_failure_rate": change_failure_rate_level(
            reliability.change_failure_rate
        ),
        "recovery_time": recovery_time_level(reliability.recovery_time.median_hours),
    }
    return {
        "benchmark": BENCHMARK,
        **{
            name: None if level is None else level.value
            for name, level in levels.items()
        },
    }


def deployment_days_json(days: DeploymentDays) -> dict[str, Any]:
    return {
        "deployment_days_per_week_median": rounded(days.per_week),
        "deployment_days_per_month_median": rounded(days.per_month),
    }


def compared(answer: dict[str, Any]) -> dict[str, Any]:
    """Return the figures of an answer that `previous` repeats."""
    return {name: answer[name] for name in COMPARED}
