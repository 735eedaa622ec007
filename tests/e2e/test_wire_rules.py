"""Contradictory or misspelt input is refused instead of skewing figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from dora.adapters.memory import MemoryDatabase
from tests.e2e.cli_support import memory_dora, write_export
from tests.e2e.cli_support import sha as export_sha
from tests.e2e.scenarios import sha_of

REPO = "/api/v1/repos/acme/web/api"


def commit(name: str, committed_at: str = "2024-01-01T09:00:00Z") -> dict[str, Any]:
    return {"sha": sha_of(name), "parents": [], "committed_at": committed_at}


def deployment(**fields: Any) -> dict[str, Any]:
    body = {"id": "d1", "sha": sha_of("c1"), "status": "success"}
    body["finished_at"] = "2024-01-01T10:00:00Z"
    return {**body, **fields}


async def post(client: TestClient, path: str, body: dict[str, Any]) -> Any:
    await client.put(REPO)
    response = await client.post(REPO + path, json=body)
    return response.status, await response.json()


@pytest.mark.parametrize("misspelt", ["env", "is_baseline", "commited_at"])
async def test_a_misspelt_field_is_refused_by_name(
    memory_client: TestClient, misspelt: str
) -> None:
    status, answer = await post(
        memory_client, "/deployments", deployment(**{misspelt: "x"})
    )

    assert status == 422
    assert answer["error"]["details"][0]["path"] == misspelt


async def test_one_sha_with_two_commit_times_in_a_batch_stores_nothing(
    memory_client: TestClient,
) -> None:
    batch = [commit("c1"), commit("c1", "2024-01-02T09:00:00Z")]

    status, answer = await post(memory_client, "/commits", {"commits": batch})

    assert status == 422
    assert "commits[1]" in answer["error"]["message"]
    again = await memory_client.get(f"{REPO}/commits/{sha_of('c1')}")
    assert again.status == 404


async def test_the_same_commit_twice_in_a_batch_is_stored_once(
    memory_client: TestClient,
) -> None:
    status, answer = await post(
        memory_client, "/commits", {"commits": [commit("c1"), commit("c1")]}
    )

    assert status == 200
    assert answer == {"received": 2, "inserted": 1}


async def test_a_commit_cannot_be_its_own_parent(memory_client: TestClient) -> None:
    item = {**commit("c1"), "parents": [sha_of("c1")]}

    status, answer = await post(memory_client, "/commits", {"commits": [item]})

    assert status == 422
    assert "own parent" in answer["error"]["message"]


async def test_a_parent_named_twice_is_stored_once(memory_client: TestClient) -> None:
    item = {**commit("c2"), "parents": [sha_of("c1"), sha_of("c1")]}

    status, _ = await post(memory_client, "/commits", {"commits": [item]})
    stored = await memory_client.get(f"{REPO}/commits/{sha_of('c2')}")

    assert status == 200
    assert (await stored.json())["parents"] == [sha_of("c1")]


async def test_a_deployment_cannot_start_after_it_finished(
    memory_client: TestClient,
) -> None:
    body = deployment(started_at="2024-01-01T11:00:00Z")

    status, answer = await post(memory_client, "/deployments", body)

    assert status == 422
    assert "started_at" in answer["error"]["message"]


async def test_a_late_running_report_does_not_undo_a_finished_deployment(
    client: TestClient,
) -> None:
    await post(client, "/commits", {"commits": [commit("c1")]})
    await post(client, "/deployments", deployment())

    status, answer = await post(
        client, "/deployments", deployment(status="running", finished_at=None)
    )

    assert status == 200
    assert answer["status"] == "success"
    params = {"scope": "repo", "id": "acme/web/api", "from": "2024-01-01"}
    response = await client.get(
        "/api/v1/metrics/dora", params={**params, "to": "2024-01-01"}
    )
    assert (await response.json())["deployment_frequency"] == 1


async def test_a_lower_case_z_and_t_are_read_as_rfc_3339_allows(
    memory_client: TestClient,
) -> None:
    item = commit("c1", "2024-01-01t09:00:00z")

    status, _ = await post(memory_client, "/commits", {"commits": [item]})

    assert status == 200


async def test_an_impossible_offset_is_refused_in_plain_words(
    memory_client: TestClient,
) -> None:
    item = commit("c1", "2024-01-01T09:00:00+25:00")

    status, answer = await post(memory_client, "/commits", {"commits": [item]})

    assert status == 422
    assert "not a real date and time" in answer["error"]["message"]


def test_an_export_naming_one_deployment_twice_differently_stores_nothing(
    tmp_path: Path,
) -> None:
    database = MemoryDatabase()
    commits = [f"{export_sha(1)},,,2024-01-01T10:00:00Z"]
    deployments = [
        f"d1,{export_sha(1)},production,success,2024-01-01T12:00:00Z,,",
        f"d1,{export_sha(1)},production,success,2024-01-02T12:00:00Z,,",
    ]
    folder = write_export(tmp_path / "export", commits, deployments)

    result = memory_dora(database)("import", folder, "--repo", "acme/web/api")

    assert result.exit_code == 2
    assert "deployments.csv:3: id" in result.stderr
    assert "differs from the same id on line 2" in result.stderr
    assert not database.deployments


async def test_a_commit_is_found_by_its_sha_in_upper_case(
    memory_client: TestClient,
) -> None:
    await post(memory_client, "/commits", {"commits": [commit("c1")]})

    response = await memory_client.get(f"{REPO}/commits/{sha_of('c1').upper()}")

    assert response.status == 200


async def test_a_commit_look_up_by_something_not_a_sha_is_a_bad_parameter(
    memory_client: TestClient,
) -> None:
    await memory_client.put(REPO)

    response = await memory_client.get(f"{REPO}/commits/HEAD")

    assert response.status == 400
    assert "sha: 'HEAD'" in (await response.json())["error"]["message"]


async def test_an_org_id_that_is_not_an_org_path_is_named(
    memory_client: TestClient,
) -> None:
    params = {"scope": "org", "id": "a/b", "from": "2024-01-01", "to": "2024-01-02"}

    response = await memory_client.get("/api/v1/metrics/dora", params=params)

    assert (await response.json())["error"]["message"] == (
        "id: 'a/b' is not the path of an org"
    )
