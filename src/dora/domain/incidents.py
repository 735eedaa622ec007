"""Incidents: production trouble a team records against its deployments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dora.domain.model import DEFAULT_ENVIRONMENT


@dataclass(frozen=True)
class Incident:
    """Trouble in one environment, open until `resolved_at` is known.

    `deployment_id` names the deployment that caused it when the team knows;
    without it, the deployment is inferred from the time the trouble started.
    """

    id: str
    started_at: datetime
    environment: str = DEFAULT_ENVIRONMENT
    resolved_at: datetime | None = None
    deployment_id: str | None = None
