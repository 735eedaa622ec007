"""Project and org rollups, and snapshots that never serve a stale figure."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.e2e.scenarios import commit_body, deployment_body

JANUARY = {"from": "2024-01-01", "to": "2024-01-31"}


async def add_repo(
    client: TestClient, path: str, prefix: str, deploys: list[tuple[str, str]]
) -> None:
    """One linear history per repo: commit i at 09:00 + i hours on 2024-01-01."""
    url = f"/api/v1/repos/{path}"
    assert (await client.put(url)).status in (200, 201)
    commits = [
        {
            "name": f"{prefix}{i}",
            "parents": [f"{prefix}{i - 1}"] if i else [],
            "committed_at": f"2024-01-01T{9 + i:02d}:00:00Z",
        }
        for i in range(4)
    ]
    body = {"commits": [commit_body(c) for c in commits]}
    assert (await client.post(f"{url}/commits", json=body)).status == 200
    for index, (commit, finished_at) in enumerate(deploys):
        await deploy(client, path, f"d{index}", f"{prefix}{commit}", finished_at)


async def deploy(
    client: TestClient, path: str, ident: str, commit: str, finished_at: str
) -> None:
    item = {"id": ident, "commit": commit, "status": "success"}
    item["finished_at"] = finished_at
    url = f"/api/v1/repos/{path}/deployments"
    response = await client.post(url, json=deployment_body(item))
    assert response.status in (200, 201), await response.text()


async def metrics(client: TestClient, scope: str, ident: str) -> Any:
    params = {"scope": scope, "id": ident, **JANUARY}
    response = await client.get("/api/v1/metrics/dora", params=params)
    assert response.status == 200, await response.text()
    return await response.json()


async def seed(client: TestClient) -> None:
    # api: a0..a1 shipped 2024-01-01T12:00 (3h, 2h); a2..a3 on 01-02 00:00
    # (13h, 12h). web: w0..w3 shipped 2024-01-01T20:00 (11h, 10h, 9h, 8h).
    # ops (another project): o0 shipped 2024-01-05T09:00 (96h).
    await add_repo(
        client,
        "acme/shop/api",
        "a",
        [("1", "2024-01-01T12:00:00Z"), ("3", "2024-01-02T00:00:00Z")],
    )
    await add_repo(client, "acme/shop/web", "w", [("3", "2024-01-01T20:00:00Z")])
    await add_repo(client, "acme/ops/infra", "o", [("0", "2024-01-05T09:00:00Z")])


async def test_a_project_adds_up_deployments_and_takes_distinct_days(
    client: TestClient,
) -> None:
    await seed(client)

    answer = await metrics(client, "project", "acme/shop")

    assert answer["deployment_frequency"] == 3
    assert answer["deployment_days"] == 2
    assert answer["changes"] == 8


async def test_a_rollup_takes_statistics_over_the_union_of_changes(
    client: TestClient,
) -> None:
    await seed(client)

    answer = await metrics(client, "project", "acme/shop")

    # Union: 2, 3, 8, 9, 10, 11, 12, 13 hours: mean 68 / 8 = 8.5, median
    # (9 + 10) / 2 = 9.5, p90 at rank 6.3 = 12.3. The median of the repos'
    # medians (7.5 and 9.5) would be 8.5.
    assert answer["lead_time_avg_hours"] == pytest.approx(8.5)
    assert answer["lead_time_median_hours"] == pytest.approx(9.5)
    assert answer["lead_time_p90_hours"] == pytest.approx(12.3)


async def test_an_org_takes_every_project_beneath_it(client: TestClient) -> None:
    await seed(client)

    answer = await metrics(client, "org", "acme")

    assert answer["deployment_frequency"] == 4
    assert answer["deployment_days"] == 3
    assert answer["changes"] == 9
    assert answer["lead_time_median_hours"] == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("scope", "ident"),
    [("project", "acme/nope"), ("org", "nope"), ("repo", "acme/shop/nope")],
)
async def test_an_unknown_scope_is_not_found(
    client: TestClient, scope: str, ident: str
) -> None:
    await seed(client)

    params = {"scope": scope, "id": ident, **JANUARY}
    response = await client.get("/api/v1/metrics/dora", params=params)

    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("scope", "ident"),
    [("repo", "acme/shop/web"), ("project", "acme/shop"), ("org", "acme")],
)
async def test_a_write_after_a_read_is_never_served_stale(
    client: TestClient, scope: str, ident: str
) -> None:
    await seed(client)
    first = await metrics(client, scope, ident)
    again = await metrics(client, scope, ident)
    assert again["computed_at"] == first["computed_at"]

    await deploy(client, "acme/shop/web", "late", "w3", "2024-01-03T08:00:00Z")
    after_deploy = await metrics(client, scope, ident)
    extra = {"name": "w4", "parents": ["w3"], "committed_at": "2024-01-03T09:00:00Z"}
    body = {"commits": [commit_body(extra)]}
    await client.post("/api/v1/repos/acme/shop/web/commits", json=body)
    await deploy(client, "acme/shop/web", "next", "w4", "2024-01-03T10:00:00Z")
    after_commit = await metrics(client, scope, ident)

    assert after_deploy["deployment_frequency"] == first["deployment_frequency"] + 1
    assert after_commit["deployment_frequency"] == first["deployment_frequency"] + 2
    assert after_commit["changes"] == first["changes"] + 1


async def test_recompute_always_computes_afresh(client: TestClient) -> None:
    await seed(client)
    first = await metrics(client, "org", "acme")

    response = await client.post(
        "/api/v1/metrics/dora/recompute", json={"scope": "org", "id": "acme", **JANUARY}
    )

    answer = await response.json()
    assert response.status == 200
    assert answer["computed_at"] != first["computed_at"]
    assert answer["deployment_frequency"] == first["deployment_frequency"]
