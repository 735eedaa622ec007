"""Shapes of the REST answers, for the OpenAPI description.

Tests validate real answers against these models, so they cannot drift
from what the handlers send.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProblemOut(Answer):
    path: str
    message: str


class ErrorBody(Answer):
    code: str
    message: str
    details: list[ProblemOut] | None = None


class ErrorOut(Answer):
    error: ErrorBody


class RepoOut(Answer):
    id: int
    path: str
    org: str
    project: str
    repo: str
    default_branch: str | None


class CommitsReceived(Answer):
    received: int
    inserted: int


class DeploymentOut(Answer):
    id: str
    sha: str
    environment: str
    status: Literal["success", "failure", "running", "canceled"]
    started_at: str | None
    finished_at: str | None
    baseline: bool
    url: str | None


class DeploymentSummary(DeploymentOut):
    changes: int
    lead_time_avg_hours: float | None


class DeploymentList(Answer):
    from_: str = Field(alias="from")
    to: str
    environment: str
    tz: str
    deployments: list[DeploymentSummary]


class ShippedCommit(Answer):
    sha: str
    committed_at: str
    lead_time_hours: float


class DeploymentDetail(DeploymentSummary):
    shipped: list[ShippedCommit]


class FirstShipment(Answer):
    deployment_id: str
    finished_at: str
    baseline: bool
    lead_time_hours: float


class CommitDetail(Answer):
    sha: str
    parents: list[str]
    committed_at: str
    authored_at: str
    deployments: dict[str, FirstShipment | None]


class LeadTimeFigures(Answer):
    changes: int
    lead_time_avg_hours: float | None
    lead_time_median_hours: float | None
    lead_time_p90_hours: float | None


class PeriodOut(LeadTimeFigures):
    period_start: str
    period_end: str
    deployment_frequency: int
    deployment_days: int


class DataQuality(Answer):
    deployments_unknown_sha: int
    negative_lead_times_clamped: int


class MetricsAnswer(LeadTimeFigures):
    scope: Literal["repo", "project", "org"]
    id: str
    from_: str = Field(alias="from")
    to: str
    environment: str
    granularity: Literal["day", "week", "month"]
    tz: str
    lead_time_from: Literal["committed", "authored"]
    deployment_frequency: int
    deployments_per_day: float
    deployments_per_week: float
    deployment_days: int
    series: list[PeriodOut]
    data_quality: DataQuality
    computed_at: str


class Health(Answer):
    status: str


class RecomputeIn(BaseModel):
    """The body of a recompute: the metrics parameters as JSON strings."""

    scope: Literal["repo", "project", "org"]
    id: str
    from_: str = Field(alias="from")
    to: str
    granularity: Literal["day", "week", "month"] = "week"
    environment: str = "production"
    tz: str = "UTC"
    lead_time_from: Literal["committed", "authored"] = "committed"
