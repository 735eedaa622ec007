"""Bounded input: bodies, batches and strings over their limits are refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from dependency_injector import providers

from dora.adapters.memory import MemoryDatabase, MemoryUnitOfWork
from dora.container import Container
from dora.entrypoints.http_app import create_app
from dora.entrypoints.settings import Settings

from .conftest import ClientMaker

REPO = "/api/v1/repos/acme/web/shop"
LIMIT = 64 * 1024


def commit(number: int) -> dict[str, Any]:
    return {"sha": f"{number:040x}", "committed_at": "2024-01-02T10:00:00Z"}


@pytest.fixture
async def limited(aiohttp_client: ClientMaker) -> TestClient:
    """The app on in-memory storage with small body and batch limits."""
    settings = Settings(max_body_bytes=LIMIT, max_batch_items=10)
    container = Container(settings=settings)
    container.engine.override(providers.Object(None))
    container.uow.override(providers.Factory(MemoryUnitOfWork, MemoryDatabase()))
    client = await aiohttp_client(create_app(container, settings))
    assert (await client.put(REPO)).status == 201
    return client


async def error_of(answer: Any) -> dict[str, Any]:
    return dict((await answer.json())["error"])


async def test_a_body_over_the_limit_is_too_large(limited: TestClient):
    answer = await limited.post(
        REPO + "/commits",
        data=b" " * (LIMIT + 1),
        headers={"Content-Type": "application/json"},
    )

    assert answer.status == 413
    error = await error_of(answer)
    assert error["code"] == "payload_too_large"
    assert error["message"] == f"body: larger than the limit of {LIMIT} bytes"


async def test_a_chunked_body_over_the_limit_is_too_large(limited: TestClient):
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(LIMIT // 1024 + 2):
            yield b" " * 1024

    answer = await limited.post(
        REPO + "/commits",
        data=chunks(),
        headers={"Content-Type": "application/json"},
    )

    assert answer.status == 413
    assert (await error_of(answer))["code"] == "payload_too_large"


async def test_more_commits_than_the_batch_limit_are_refused(limited: TestClient):
    batch = {"commits": [commit(n) for n in range(11)]}

    answer = await limited.post(REPO + "/commits", json=batch)

    assert answer.status == 422
    error = await error_of(answer)
    assert error["message"] == "commits: at most 10 items per request, got 11"
    assert error["details"][0]["path"] == "commits"


async def test_a_batch_at_the_limit_is_stored(limited: TestClient):
    batch = {"commits": [commit(n) for n in range(10)]}

    answer = await limited.post(REPO + "/commits", json=batch)

    assert answer.status == 200
    assert (await answer.json())["inserted"] == 10


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("id", "d" * 201, "id"),
        ("environment", "e" * 64, "environment"),
        ("url", "https://ci/" + "u" * 2000, "url"),
    ],
)
async def test_an_overlong_string_of_a_deployment_is_refused(
    limited: TestClient, field, value, path
):
    deployment = {
        "id": "d1",
        "sha": "a" * 40,
        "status": "success",
        "finished_at": "2024-01-02T10:00:00Z",
        field: value,
    }

    answer = await limited.post(REPO + "/deployments", json=deployment)

    assert answer.status == 422
    assert (await error_of(answer))["details"][0]["path"] == path


async def test_an_overlong_default_branch_is_refused(limited: TestClient):
    answer = await limited.put(REPO, json={"default_branch": "b" * 256})

    assert answer.status == 422


async def test_too_many_parents_are_refused(limited: TestClient):
    many = {**commit(1), "parents": [f"{n:040x}" for n in range(1001)]}

    answer = await limited.post(REPO + "/commits", json={"commits": [many]})

    assert answer.status == 422
    assert (await error_of(answer))["details"][0]["path"] == "commits[0].parents"


@pytest.mark.parametrize("depth", [10_000, 60_000])
@pytest.mark.parametrize("path", ["/commits", "/deployments"])
async def test_deeply_nested_json_is_invalid_not_a_crash(
    limited: TestClient, depth, path
):
    answer = await limited.post(
        REPO + path,
        data=b"[" * depth + b"]" * depth,
        headers={"Content-Type": "application/json"},
    )

    assert answer.status in (413, 422)


async def test_deeply_nested_json_of_a_recompute_is_invalid_not_a_crash(
    limited: TestClient,
):
    depth = 30_000
    answer = await limited.post(
        "/api/v1/metrics/dora/recompute",
        data=b"[" * depth + b"]" * depth,
        headers={"Content-Type": "application/json"},
    )

    assert answer.status == 422


@pytest.mark.parametrize(
    ("name", "value"),
    [("tz", "Europe/" + "x" * 5000), ("environment", "e" * 5000), ("id", "a" * 5000)],
)
async def test_overlong_query_parameters_are_refused(limited: TestClient, name, value):
    query = {"scope": "org", "id": "acme", "from": "2024-01-01", "to": "2024-01-02"}

    answer = await limited.get("/api/v1/metrics/dora", params={**query, name: value})

    assert answer.status == 400
    assert (await error_of(answer))["message"].startswith(f"{name}: ")
