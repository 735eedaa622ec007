"""The OpenAPI 3.1 description of the REST API, built from the wire models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from dora.domain.model import SHA, SLUG
from dora.entrypoints import openapi_models as out
from dora.entrypoints.schemas import CommitBatch, DeploymentIn, IncidentIn, RepoIn

REPO = "/api/v1/repos/{org}/{project}/{repo}"
ERRORS = {
    "400": "invalid_parameter: a parameter has a bad value or is missing",
    "404": "not_found: unknown org, project, repo, deployment or commit",
    "413": "payload_too_large: the body is over the configured limit",
    "415": "unsupported_media_type: the body is not JSON",
    "422": "invalid_payload: malformed JSON or invalid items, listed in details",
    "503": "unavailable: the database cannot be reached",
}
Parameter = tuple[str, bool, dict[str, Any], str]
DATE = out.DATE_SCHEMA
ENVIRONMENT = out.ENVIRONMENT_SCHEMA
ZONE: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 64}
METRICS_PARAMETERS: list[Parameter] = [
    ("scope", True, {"enum": ["repo", "project", "org"]}, "what to measure"),
    ("id", True, out.SCOPE_ID_SCHEMA, "path of the scope, e.g. acme/pay/api"),
    ("from", True, DATE, "first day, inclusive"),
    ("to", True, DATE, "last day, inclusive"),
    ("granularity", False, {"enum": ["day", "week", "month"]}, "series periods"),
    ("environment", False, ENVIRONMENT, "default production"),
    ("tz", False, ZONE, "IANA time zone, default UTC"),
    ("lead_time_from", False, {"enum": ["committed", "authored"]}, "start"),
    ("compare", False, {"enum": ["previous", "none"]}, "add the window before"),
]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    answer: type[BaseModel]
    status: str = "200"
    body: type[BaseModel] | None = None
    query: list[tuple[str, bool, dict[str, Any], str]] = field(default_factory=list)
    errors: tuple[str, ...] = ("400", "404", "503")


def _window_parameters() -> list[tuple[str, bool, dict[str, Any], str]]:
    return [
        ("from", False, DATE, "default 29 days ago"),
        ("to", False, DATE, "default today"),
        ("environment", False, ENVIRONMENT, "default production"),
        (
            "tz",
            False,
            {"type": "string", "minLength": 1},
            "IANA time zone, default UTC",
        ),
    ]


WRITE_ERRORS = ("400", "404", "413", "415", "422", "503")
OPERATIONS = [
    Operation(
        "put",
        REPO,
        "Create a repo (and its org and project)",
        out.RepoOut,
        "201",
        RepoIn,
        errors=("400", "413", "415", "422", "503"),
    ),
    Operation(
        "post",
        REPO + "/commits",
        "Add commits (idempotent by sha)",
        out.CommitsReceived,
        body=CommitBatch,
        errors=WRITE_ERRORS,
    ),
    Operation(
        "post",
        REPO + "/deployments",
        "Record or update a deployment",
        out.DeploymentOut,
        "201",
        DeploymentIn,
        errors=WRITE_ERRORS,
    ),
    Operation(
        "post",
        REPO + "/incidents",
        "Record an incident, or update (resolve) the one with that id",
        out.IncidentOut,
        "201",
        IncidentIn,
        errors=WRITE_ERRORS,
    ),
    Operation(
        "get",
        REPO + "/deployments",
        "Deployments finished in a window",
        out.DeploymentList,
        query=_window_parameters(),
    ),
    Operation(
        "get",
        REPO + "/deployments/{deployment_id}",
        "One deployment and the commits it shipped",
        out.DeploymentDetail,
    ),
    Operation(
        "get",
        REPO + "/commits/{sha}",
        "A commit and the deployment that first shipped it per environment",
        out.CommitDetail,
    ),
    Operation(
        "get",
        "/api/v1/metrics/dora",
        "DORA metrics of a scope and window",
        out.MetricsAnswer,
        query=METRICS_PARAMETERS,
    ),
    Operation(
        "post",
        "/api/v1/metrics/dora/recompute",
        "Compute the metrics afresh and store the snapshot",
        out.MetricsAnswer,
        body=None,
        errors=WRITE_ERRORS,
    ),
    Operation(
        "get",
        "/healthz",
        "Whether the service and its database answer",
        out.Health,
        errors=("503",),
    ),
    Operation("get", "/api/v1/openapi.json", "This description", out.Health, errors=()),
]


def document() -> dict[str, Any]:
    """Build the OpenAPI 3.1 document of every endpoint."""
    models: set[type[BaseModel]] = {op.answer for op in OPERATIONS}
    models |= {out.ErrorOut, out.RecomputeIn}
    models |= {op.body for op in OPERATIONS if op.body is not None}
    _, schemas = models_json_schema(
        [(model, "validation") for model in models],
        ref_template="#/components/schemas/{model}",
    )
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "dora", "version": "1", "description": __doc__},
        "paths": paths,
        "components": {"schemas": schemas.get("$defs", {})},
    }


def _operation(op: Operation) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "summary": op.summary,
        "operationId": f"{op.method}_{_slug(op.path)}",
        "parameters": _path_parameters(op.path) + _query_parameters(op.query),
        "responses": {
            op.status: _json(op.answer, "the answer"),
            **{code: _json(out.ErrorOut, ERRORS[code]) for code in op.errors},
        },
    }
    if op.path == "/api/v1/openapi.json":
        spec["responses"]["200"] = {"description": "this document"}
    if op.method == "put":
        spec["responses"]["200"] = _json(op.answer, "the repo existed")
    if op.path.endswith(("/deployments", "/incidents")) and op.method == "post":
        spec["responses"]["200"] = _json(op.answer, "an existing id was updated")
    body = out.RecomputeIn if op.path.endswith("/recompute") else op.body
    if body is not None:
        spec["requestBody"] = {
            "required": op.method != "put",
            "content": {"application/json": {"schema": _ref(body)}},
        }
    return spec


PATH_PATTERNS = {
    "org": SLUG.pattern,
    "project": SLUG.pattern,
    "repo": SLUG.pattern,
    "sha": SHA.pattern,
    "deployment_id": r"[^\x00-\x1f]{1,200}",
}


def _path_parameters(path: str) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": f"^({PATH_PATTERNS[name]})$"},
        }
        for name in names
    ]


def _query_parameters(
    query: list[tuple[str, bool, dict[str, Any], str]],
) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "query",
            "required": required,
            "schema": schema,
            "description": text,
        }
        for name, required, schema, text in query
    ]


def _json(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(model)}},
    }


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _slug(path: str) -> str:
    parts = [p.strip("{}") for p in path.split("/") if p and p not in ("api", "v1")]
    return "_".join(parts).replace(".", "_")
