"""With tokens configured, /api/v1 answers only the orgs and roles they grant."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from dependency_injector import providers

from dora.adapters.memory import MemoryDatabase, MemoryUnitOfWork
from dora.container import Container
from dora.entrypoints.http_app import create_app
from dora.entrypoints.settings import Settings
from dora.entrypoints.tokens import tokens_from_env

from .conftest import ClientMaker

ADMIN = "admin-token-0123456789"
ACME_WRITER = "acme-writer-0123456789"
ACME_READER = "acme-reader-0123456789"
READER = "reader-of-all-0123456789"
TOKENS = (
    f"{ADMIN} * write, {ACME_WRITER} acme write, "
    f"{ACME_READER} acme read, {READER} * read"
)
METRICS = "/api/v1/metrics/dora"
QUERY = {"scope": "org", "from": "2024-01-01", "to": "2024-01-31"}
COMMIT = {"sha": "a" * 40, "committed_at": "2024-01-02T10:00:00Z"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def guarded(aiohttp_client: ClientMaker) -> TestClient:
    """A client of the app on in-memory storage, with tokens configured."""
    settings = Settings(tokens=tokens_from_env({"DORA_TOKENS": TOKENS}))
    container = Container(settings=settings)
    container.engine.override(providers.Object(None))
    container.uow.override(providers.Factory(MemoryUnitOfWork, MemoryDatabase()))
    client = await aiohttp_client(create_app(container, settings))
    for org in ("acme", "beta"):
        answer = await client.put(
            f"/api/v1/repos/{org}/web/shop", headers=bearer(ADMIN)
        )
        assert answer.status == 201
    return client


async def error_of(answer: Any) -> dict[str, Any]:
    body = await answer.json()
    return dict(body["error"])


async def test_a_request_without_a_token_is_unauthorized(guarded: TestClient):
    answer = await guarded.get(METRICS, params={**QUERY, "id": "acme"})

    assert answer.status == 401
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="dora"'
    error = await error_of(answer)
    assert error["code"] == "unauthorized"
    assert "Bearer token is required" in error["message"]


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-configured-token", f"Basic {ADMIN}", f"Bearer {ADMIN}x", "Bearer"],
)
async def test_a_wrong_token_is_unauthorized(guarded: TestClient, authorization):
    answer = await guarded.put(
        "/api/v1/repos/acme/web/shop", headers={"Authorization": authorization}
    )

    assert answer.status == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert ADMIN not in await answer.text()


async def test_unknown_paths_of_the_api_need_a_token_too(guarded: TestClient):
    answer = await guarded.get("/api/v1/secrets")

    assert answer.status == 401


async def test_health_and_the_description_need_no_token(guarded: TestClient):
    assert (await guarded.get("/healthz")).status == 200
    assert (await guarded.get("/api/v1/openapi.json")).status == 200


async def test_a_token_of_one_org_reads_and_writes_that_org(guarded: TestClient):
    repo = "/api/v1/repos/acme/web/shop"

    posted = await guarded.post(
        repo + "/commits", json={"commits": [COMMIT]}, headers=bearer(ACME_WRITER)
    )
    read = await guarded.get(
        METRICS, params={**QUERY, "id": "acme"}, headers=bearer(ACME_READER)
    )

    assert posted.status == 200
    assert read.status == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/api/v1/repos/beta/web/shop", None),
        ("POST", "/api/v1/repos/beta/web/shop/commits", {"commits": [COMMIT]}),
        ("GET", "/api/v1/repos/beta/web/shop/deployments", None),
        ("GET", "/api/v1/repos/beta/web/shop/commits/" + "a" * 40, None),
        (
            "GET",
            METRICS + "?scope=project&id=beta/web&from=2024-01-01&to=2024-01-02",
            None,
        ),
        ("POST", METRICS + "/recompute", {**QUERY, "id": "beta"}),
    ],
)
async def test_a_token_of_one_org_is_forbidden_another(
    guarded: TestClient, method, path, body
):
    answer = await guarded.request(method, path, json=body, headers=bearer(ACME_WRITER))

    assert answer.status == 403
    error = await error_of(answer)
    assert error["code"] == "forbidden"
    assert error["message"] == "org: 'beta' is outside the scope of the token"


async def test_a_forbidden_org_is_refused_whether_it_exists_or_not(
    guarded: TestClient,
):
    answer = await guarded.get(
        METRICS, params={**QUERY, "id": "nowhere"}, headers=bearer(ACME_READER)
    )

    assert answer.status == 403


async def test_a_read_token_may_not_write(guarded: TestClient):
    answer = await guarded.post(
        "/api/v1/repos/acme/web/shop/commits",
        json={"commits": [COMMIT]},
        headers=bearer(READER),
    )

    assert answer.status == 403
    assert "needs a token with the write role" in (await error_of(answer))["message"]


async def test_a_read_token_may_recompute_metrics(guarded: TestClient):
    answer = await guarded.post(
        METRICS + "/recompute", json={**QUERY, "id": "beta"}, headers=bearer(READER)
    )

    assert answer.status == 200
    assert (await answer.json())["id"] == "beta"


async def test_a_metrics_question_without_an_org_is_refused_by_its_handler(
    guarded: TestClient,
):
    answer = await guarded.post(
        METRICS + "/recompute",
        data=json.dumps([1, 2]),
        headers={**bearer(ACME_READER), "Content-Type": "application/json"},
    )

    assert answer.status == 422
