"""Shapes of the REST answers, for the OpenAPI description.

Tests validate real answers against these models, so they cannot drift
from what the handlers send.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from dora.domain.validation import ENVIRONMENT


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
    remediates: str | None


class IncidentOut(Answer):
    id: str
    environment: str
    started_at: str
    resolved_at: str | None
    deployment_id: str | None


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
    failed_deployments: int
    change_failure_rate: float | None
    recovery_time_median_hours: float | None
    failed_attempts: int


LevelOut = Literal["elite", "high", "medium", "low"]


class Levels(Answer):
    """DORA 2023 performance levels; null where the metric has no value."""

    benchmark: Literal["dora-2023"]
    deployment_frequency: LevelOut
    lead_time: LevelOut | None
    change_failure_rate: LevelOut | None
    recovery_time: LevelOut | None


class HeadlineFigures(LeadTimeFigures):
    """The figures of a window, as `previous` repeats them."""

    from_: str = Field(alias="from")
    to: str
    deployment_frequency: int
    deployments_per_day: float
    deployments_per_week: float
    deployment_days: int
    failed_deployments: int
    change_failure_rate: float | None
    recovery_time_avg_hours: float | None
    recovery_time_median_hours: float | None
    recovery_time_p90_hours: float | None
    unrecovered_failures: int
    deployment_rework_rate: float | None
    failed_attempts: int
    deployment_days_per_week_median: float
    deployment_days_per_month_median: float
    levels: Levels


class DataQuality(Answer):
    deployments_unknown_sha: int
    negative_lead_times_clamped: int


class MetricsAnswer(HeadlineFigures):
    scope: Literal["repo", "project", "org"]
    id: str
    environment: str
    granularity: Literal["day", "week", "month"]
    tz: str
    lead_time_from: Literal["committed", "authored"]
    series: list[PeriodOut]
    data_quality: DataQuality
    computed_at: str
    previous: HeadlineFigures | None = Field(
        default=None, description="the window just before, with compare=previous"
    )


class Health(Answer):
    status: str


# A pattern on top of `format` would leave a fuzzer few dates to draw; the
# accepted years (1900-2999) are stated in the description instead.
DATE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "date",
    "description": "YYYY-MM-DD, in the years 1900 to 2999",
}
SCOPE_ID_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 190,
    "description": "org, org/project or org/project/repo, by slugs",
}
ENVIRONMENT_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": f"^{ENVIRONMENT.pattern}$",
}


class RecomputeIn(BaseModel):
    """The body of a recompute: the metrics parameters as JSON strings."""

    scope: Literal["repo", "project", "org"]
    id: Annotated[str, WithJsonSchema(SCOPE_ID_SCHEMA)]
    from_: Annotated[str, WithJsonSchema(DATE_SCHEMA)] = Field(alias="from")
    to: Annotated[str, WithJsonSchema(DATE_SCHEMA)]
    granularity: Literal["day", "week", "month"] = "week"
    environment: Annotated[str, WithJsonSchema(ENVIRONMENT_SCHEMA)] = "production"
    tz: str = "UTC"
    lead_time_from: Literal["committed", "authored"] = "committed"
    compare: Literal["previous", "none"] = "none"
