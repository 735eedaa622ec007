"""The metrics answer as the REST API and the command line print it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dora.domain.levels import DeploymentDays
from dora.domain.metrics import Figures, LeadTime
from dora.domain.reliability import ReliabilityFigures
from dora.service_layer.failure_answers import (
    deployment_days_json,
    levels_json,
    period_reliability_json,
    reliability_json,
)
from dora.service_layer.queries import MetricsQuery
from dora.service_layer.wire import rounded, timestamp


def render(
    query: MetricsQuery,
    figures: Figures,
    computed_at: datetime,
    reliability: ReliabilityFigures,
    days: DeploymentDays,
) -> dict[str, Any]:
    return {
        "scope": query.scope.type.value,
        "id": query.scope.path,
        "from": query.window.start.isoformat(),
        "to": query.window.end.isoformat(),
        "environment": query.environment,
        "granularity": query.granularity.value,
        "tz": query.tz_name,
        "lead_time_from": query.lead_time_from.value,
        "deployment_frequency": figures.deployment_frequency,
        "deployments_per_day": rounded(figures.deployments_per_day),
        "deployments_per_week": rounded(figures.deployments_per_week),
        "deployment_days": figures.deployment_days,
        **_lead_time(figures.lead_time),
        **reliability_json(reliability.total),
        **deployment_days_json(days),
        "levels": levels_json(figures, reliability.total, days),
        "series": [
            {
                "period_start": item.period.start.isoformat(),
                "period_end": item.period.end.isoformat(),
                "deployment_frequency": item.deployment_frequency,
                "deployment_days": item.deployment_days,
                **_lead_time(item.lead_time),
                **period_reliability_json(period_reliability),
            }
            for item, (_, period_reliability) in zip(
                figures.series, reliability.series, strict=True
            )
        ],
        "data_quality": {
            "deployments_unknown_sha": figures.deployments_unknown_sha,
            "negative_lead_times_clamped": figures.negative_lead_times_clamped,
        },
        "computed_at": timestamp(computed_at),
    }


def _lead_time(lead_time: LeadTime) -> dict[str, Any]:
    return {
        "changes": lead_time.changes,
        "lead_time_avg_hours": rounded(lead_time.avg_hours),
        "lead_time_median_hours": rounded(lead_time.median_hours),
        "lead_time_p90_hours": rounded(lead_time.p90_hours),
    }
