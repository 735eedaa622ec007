"""A developer looks up deployments and commits through the REST API."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.e2e.scenarios import commit_body, deployment_body, sha_of

REPO = "/api/v1/repos/acme/web/api"


async def seed(client: TestClient) -> None:
    """c1 <- c2 <- c3; d1 ships c1 and c2, a rollback ships nothing, d3 ships c3."""
    commits = [
        {"name": "c1", "parents": [], "committed_at": "2024-01-01T09:00:00Z"},
        {"name": "c2", "parents": ["c1"], "committed_at": "2024-01-01T12:00:00Z"},
        {"name": "c3", "parents": ["c2"], "committed_at": "2024-01-02T09:00:00Z"},
    ]
    deployments = [
        ("d1", "c2", "2024-01-01T15:00:00Z"),
        ("rb", "c1", "2024-01-01T16:00:00Z"),
        ("d3", "c3", "2024-01-02T12:00:00Z"),
    ]
    assert (await client.put(REPO)).status == 201
    body = {"commits": [commit_body(c) for c in commits]}
    assert (await client.post(f"{REPO}/commits", json=body)).status == 200
    for ident, name, finished_at in deployments:
        item = {"id": ident, "commit": name, "status": "success"}
        item["finished_at"] = finished_at
        response = await client.post(f"{REPO}/deployments", json=deployment_body(item))
        assert response.status == 201


async def get_json(client: TestClient, url: str, **params: str) -> Any:
    response = await client.get(url, params=params)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_deployment_list_gives_changes_and_mean_lead_time(
    client: TestClient,
) -> None:
    await seed(client)

    answer = await get_json(
        client, f"{REPO}/deployments", **{"from": "2024-01-01", "to": "2024-01-31"}
    )

    listed = {d["id"]: d for d in answer["deployments"]}
    assert [d["id"] for d in answer["deployments"]] == ["d1", "rb", "d3"]
    assert listed["d1"]["changes"] == 2
    assert listed["d1"]["lead_time_avg_hours"] == pytest.approx(4.5)
    assert listed["rb"]["changes"] == 0
    assert listed["rb"]["lead_time_avg_hours"] is None
    assert listed["d3"]["changes"] == 1


async def test_deployment_list_is_limited_to_the_window(
    client: TestClient,
) -> None:
    await seed(client)

    answer = await get_json(
        client, f"{REPO}/deployments", **{"from": "2024-01-02", "to": "2024-01-02"}
    )

    assert [d["id"] for d in answer["deployments"]] == ["d3"]


async def test_one_deployment_lists_the_commits_it_shipped(
    client: TestClient,
) -> None:
    await seed(client)

    answer = await get_json(client, f"{REPO}/deployments/d1")

    assert answer["id"] == "d1"
    assert [c["sha"] for c in answer["shipped"]] == [sha_of("c1"), sha_of("c2")]
    assert [c["lead_time_hours"] for c in answer["shipped"]] == [6.0, 3.0]


async def test_a_commit_names_the_deployment_that_first_shipped_it(
    client: TestClient,
) -> None:
    await seed(client)

    answer = await get_json(client, f"{REPO}/commits/{sha_of('c1')}")

    shipped = answer["deployments"]["production"]
    assert shipped["deployment_id"] == "d1"
    assert shipped["lead_time_hours"] == 6.0


async def test_an_unshipped_commit_has_no_deployment(client: TestClient) -> None:
    await seed(client)
    extra = {"name": "c4", "parents": ["c3"], "committed_at": "2024-01-03T09:00:00Z"}
    body = {"commits": [commit_body(extra)]}
    await client.post(f"{REPO}/commits", json=body)

    answer = await get_json(client, f"{REPO}/commits/{sha_of('c4')}")

    assert answer["deployments"] == {"production": None}


@pytest.mark.parametrize(
    "url",
    [
        f"{REPO}/deployments/nope",
        f"{REPO}/commits/{'0' * 40}",
        "/api/v1/repos/acme/web/other/deployments",
    ],
)
async def test_unknown_things_are_not_found(
    memory_client: TestClient, url: str
) -> None:
    await seed(memory_client)

    response = await memory_client.get(url)

    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"
