"""JSON shapes shared by the REST answers and the command line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dora.domain.incidents import Incident
from dora.domain.model import Deployment, Repo

DECIMALS = 6


def timestamp(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def hours(seconds: float) -> float:
    """Convert a lead time to hours, clamping clock skew to zero."""
    return round(max(seconds, 0.0) / 3600, DECIMALS)


def repo_json(repo: Repo) -> dict[str, Any]:
    return {
        "id": repo.id,
        "path": str(repo.path),
        "org": repo.path.org,
        "project": repo.path.project,
        "repo": repo.path.repo,
        "default_branch": repo.default_branch,
    }


def deployment_json(deployment: Deployment) -> dict[str, Any]:
    return {
        "id": deployment.id,
        "sha": deployment.sha,
        "environment": deployment.environment,
        "status": deployment.status.value,
        "started_at": timestamp(deployment.started_at),
        "finished_at": timestamp(deployment.finished_at),
        "baseline": deployment.baseline,
        "url": deployment.url,
        "remediates": deployment.remediates,
    }


def incident_json(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "environment": incident.environment,
        "started_at": timestamp(incident.started_at),
        "resolved_at": timestamp(incident.resolved_at),
        "deployment_id": incident.deployment_id,
    }
