"""The published OpenAPI description matches the routes and the answers."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate
from pydantic import BaseModel

from dora.entrypoints import openapi_models as out
from tests.e2e.test_lookups import REPO, seed

REPO_TEMPLATE = "/api/v1/repos/{org}/{project}/{repo}"


async def fetch_document(client: TestClient) -> dict[str, object]:
    response = await client.get("/api/v1/openapi.json")
    assert response.status == 200
    document: dict[str, object] = await response.json()
    return document


async def test_the_description_is_valid_openapi_3_1(memory_client: TestClient) -> None:
    document = await fetch_document(memory_client)

    validate(document)

    assert document["openapi"] == "3.1.0"


async def test_every_route_is_described_and_nothing_else(
    memory_client: TestClient,
) -> None:
    routes = {
        (route.method.lower(), route.resource.canonical)
        for route in memory_client.app.router.routes()
        if route.method != "HEAD" and route.resource is not None
    }

    document = await fetch_document(memory_client)

    paths = document["paths"]
    assert isinstance(paths, dict)
    described = {(method, path) for path, ops in paths.items() for method in ops}
    assert described == routes


@pytest.mark.parametrize(
    ("url", "model"),
    [
        (REPO + "/deployments?from=2024-01-01&to=2024-01-31", out.DeploymentList),
        (REPO + "/deployments/d1", out.DeploymentDetail),
        (
            "/api/v1/metrics/dora?scope=org&id=acme&from=2024-01-01&to=2024-01-31",
            out.MetricsAnswer,
        ),
        (
            "/api/v1/metrics/dora?scope=org&id=nope&from=2024-01-01&to=2024-01-31",
            out.ErrorOut,
        ),
        ("/healthz", out.Health),
    ],
)
async def test_answers_fit_their_published_shape(
    memory_client: TestClient, url: str, model: type[BaseModel]
) -> None:
    await seed(memory_client)

    response = await memory_client.get(url)

    model.model_validate(await response.json())


async def test_incident_answers_fit_their_published_shape(
    memory_client: TestClient,
) -> None:
    await seed(memory_client)
    body = {"id": "i1", "started_at": "2024-01-02T13:00:00Z", "deployment_id": "d3"}

    created = await memory_client.post(REPO + "/incidents", json=body)
    updated = await memory_client.post(
        REPO + "/incidents", json={**body, "resolved_at": "2024-01-02T14:00:00Z"}
    )

    assert (created.status, updated.status) == (201, 200)
    out.IncidentOut.model_validate(await updated.json())


async def test_the_incidents_endpoint_and_compare_are_described(
    memory_client: TestClient,
) -> None:
    document: dict[str, Any] = await fetch_document(memory_client)

    operation = document["paths"][REPO_TEMPLATE + "/incidents"]["post"]
    metrics = document["paths"]["/api/v1/metrics/dora"]["get"]
    assert set(operation["responses"]) >= {"200", "201", "422"}
    assert "compare" in {parameter["name"] for parameter in metrics["parameters"]}
