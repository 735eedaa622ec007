"""The wire format of platform data, validated before anything is stored.

The REST API and the export importer both read items through these models,
so a commit or deployment is checked by one set of rules however it arrives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from dora.domain.errors import InvalidPayload, Problem
from dora.domain.incidents import Incident
from dora.domain.model import DEFAULT_ENVIRONMENT, Commit, Deployment, Status
from dora.domain.validation import ENVIRONMENT
from dora.domain.window import FIRST_YEAR, LAST_YEAR

MAX_BATCH = 50_000


def _utc(value: datetime) -> datetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must fall in the years {FIRST_YEAR} to {LAST_YEAR}")
    return value.astimezone(UTC)


Sha = Annotated[str, Field(pattern=r"^([0-9a-f]{40}|[0-9a-f]{64})$")]


def _rfc3339(value: object) -> datetime:
    # Pydantic would also read a number, or a string of digits, as Unix time.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("must be an RFC 3339 timestamp string")
    if not RFC3339.fullmatch(value):
        raise ValueError("must be an RFC 3339 timestamp with an offset")
    try:
        # RFC 3339 allows a lower-case T and Z; Python reads upper case only.
        return datetime.fromisoformat(value.upper())
    except ValueError:
        raise ValueError("is not a real date and time") from None


RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
# What the description publishes: RFC 3339 text within the accepted years
# (seconds may be left out, as ISO 8601 allows).
TIMESTAMP_SCHEMA: dict[str, JsonValue] = {
    "type": "string",
    "format": "date-time",
    "pattern": "^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}"
    "(:[0-9]{2}([.][0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})$",
}
Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(_rfc3339),
    AfterValidator(_utc),
    WithJsonSchema(TIMESTAMP_SCHEMA),
]
Environment = Annotated[
    str, Field(pattern=ENVIRONMENT.pattern.join("^$"), max_length=63)
]


class Wire(BaseModel):
    # A misspelt field would otherwise be dropped and change the figures.
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class CommitIn(Wire):
    sha: Sha
    parents: Annotated[list[Sha], Field(max_length=1000)] = []
    committed_at: Timestamp
    authored_at: Timestamp | None = None

    @model_validator(mode="after")
    def _not_its_own_parent(self) -> CommitIn:
        if self.sha in self.parents:
            raise ValueError(f"parents: commit {self.sha!r} cannot be its own parent")
        return self

    def to_domain(self) -> Commit:
        return Commit(
            sha=self.sha,
            # A parent named twice is still one parent.
            parents=tuple(dict.fromkeys(self.parents)),
            committed_at=self.committed_at,
            authored_at=self.authored_at or self.committed_at,
        )


class CommitBatch(Wire):
    commits: Annotated[list[CommitIn], Field(max_length=MAX_BATCH)]

    @model_validator(mode="after")
    def _no_contradictions(self) -> CommitBatch:
        # The same commit twice is harmless; the same sha with other values
        # means the batch contradicts itself, and neither copy is trusted.
        first: dict[str, int] = {}
        for index, item in enumerate(self.commits):
            earlier = first.setdefault(item.sha, index)
            if earlier != index and self.commits[earlier] != item:
                raise ValueError(
                    f"commits[{index}]: sha {item.sha!r} repeats "
                    f"commits[{earlier}] with other values"
                )
        return self


ExternalId = Annotated[
    str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")
]


class DeploymentIn(Wire):
    model_config = ConfigDict(
        json_schema_extra={
            "if": {
                "properties": {"status": {"enum": ["success", "failure"]}},
                "required": ["status"],
            },
            "then": {
                "required": ["finished_at"],
                "properties": {"finished_at": TIMESTAMP_SCHEMA},
            },
        }
    )

    id: ExternalId
    sha: Sha
    environment: Environment = DEFAULT_ENVIRONMENT
    status: Literal["success", "failure", "running", "canceled"]
    started_at: Timestamp | None = None
    finished_at: Timestamp | None = None
    baseline: bool = False
    url: Annotated[str, Field(max_length=2000)] | None = None
    remediates: ExternalId | None = None

    @model_validator(mode="after")
    def _finished_when_done(self) -> DeploymentIn:
        if self.status in ("success", "failure") and self.finished_at is None:
            raise ValueError(f"finished_at is required when status is {self.status!r}")
        if self.started_at and self.finished_at and self.started_at > self.finished_at:
            raise ValueError("started_at must not be after finished_at")
        return self

    @field_validator("remediates")
    @classmethod
    def _not_itself(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and value == info.data.get("id"):
            raise ValueError("a deployment cannot remediate itself")
        return value

    def to_domain(self) -> Deployment:
        return Deployment(
            id=self.id,
            sha=self.sha,
            environment=self.environment,
            status=Status(self.status),
            started_at=self.started_at,
            finished_at=self.finished_at,
            baseline=self.baseline,
            url=self.url,
            remediates=self.remediates,
        )


class IncidentIn(Wire):
    id: ExternalId
    environment: Environment = DEFAULT_ENVIRONMENT
    started_at: Timestamp
    resolved_at: Timestamp | None = None
    deployment_id: ExternalId | None = None

    @field_validator("resolved_at")
    @classmethod
    def _not_before_start(
        cls, value: datetime | None, info: ValidationInfo
    ) -> datetime | None:
        started_at = info.data.get("started_at")
        if value is not None and started_at is not None and value < started_at:
            raise ValueError("must not be before started_at")
        return value

    def to_domain(self) -> Incident:
        return Incident(
            id=self.id,
            environment=self.environment,
            started_at=self.started_at,
            resolved_at=self.resolved_at,
            deployment_id=self.deployment_id,
        )


WireT = TypeVar("WireT", bound="Wire")


def check_count(items: Sequence[object], path: str, limit: int) -> None:
    """Refuse more items than the configured limit of one request."""
    if len(items) > limit:
        problem = Problem(path, f"at most {limit} items per request, got {len(items)}")
        raise InvalidPayload(f"{path}: {problem.message}", [problem])


class RepoIn(Wire):
    default_branch: Annotated[str, Field(min_length=1, max_length=255)] | None = None


def parse(model: type[WireT], raw: bytes | str | dict[str, Any]) -> WireT:
    """Validate JSON text (or a decoded object) against `model`."""
    try:
        if isinstance(raw, dict):
            return model.model_validate(raw, strict=False)
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise invalid_payload(error) from None


def invalid_payload(error: ValidationError, prefix: str = "") -> InvalidPayload:
    problems = [
        Problem(path=prefix + _path(item["loc"]), message=_message(item))
        for item in error.errors(include_url=False)
    ]
    first = problems[0]
    where = f"{first.path}: " if first.path else ""
    return InvalidPayload(f"{where}{first.message}", problems)


def _path(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not part.startswith(("function-", "constrained-")):
            text += f".{part}" if text else part
    return text


def _message(item: Any) -> str:
    message = str(item["msg"]).removeprefix("Value error, ")
    if item["type"] == "extra_forbidden":
        return "is not a field of this object (misspelt?)"
    if item["type"] in ("missing", "json_invalid") or isinstance(
        item.get("input"), dict
    ):
        return message
    return f"{message}, got {_shown(item.get('input'))}"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
