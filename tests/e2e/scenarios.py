"""Replays the hand-checked acceptance scenarios against the REST API."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

SHARED = Path(os.environ.get("DORA_SHARED_DIR", Path(__file__).parents[3] / "shared"))
TOLERANCE = 0.001


def shared_dir(name: str) -> Path:
    """Return a folder of the shared material, failing clearly when absent."""
    folder = SHARED / name
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{folder} is missing: set DORA_SHARED_DIR to the folder holding "
            "cases/ and data/"
        )
    return folder


def scenario_files() -> list[Path]:
    return sorted(shared_dir("cases").glob("*.json"))


def sha_of(name: str) -> str:
    if name.startswith("sha256:"):
        return hashlib.sha256(name.encode()).hexdigest()
    return hashlib.sha1(name.encode()).hexdigest()


def commit_body(commit: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in commit.items() if k != "name"}
    body["sha"] = sha_of(commit["name"])
    body["parents"] = [sha_of(parent) for parent in commit.get("parents", [])]
    return body


def deployment_body(deployment: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in deployment.items() if k != "commit"}
    body["sha"] = sha_of(deployment["commit"])
    return body


def load_scenario(path: Path) -> dict[str, Any]:
    scenario: dict[str, Any] = json.loads(path.read_text())
    return scenario


async def run_scenario(client: TestClient, path: Path) -> None:
    scenario = load_scenario(path)
    for number, step in enumerate(scenario["steps"]):
        where = f"{scenario['name']} step {number}"
        await run_step(client, step, where)


async def run_step(client: TestClient, step: dict[str, Any], where: str) -> None:
    if "put_repo" in step:
        await put_repo(client, step["put_repo"], where)
    elif "commits" in step:
        await put_repo(client, step["repo"], where)
        body = {"commits": [commit_body(c) for c in step["commits"]]}
        response = await client.post(f"{repo_url(step['repo'])}/commits", json=body)
        assert response.status == 200, (where, await response.text())
    elif "deploy" in step:
        url = f"{repo_url(step['repo'])}/deployments"
        response = await client.post(url, json=deployment_body(step["deploy"]))
        assert response.status in (200, 201), (where, await response.text())
    elif "query" in step:
        response = await client.get("/api/v1/metrics/dora", params=step["query"])
        assert response.status == 200, (where, await response.text())
        assert_matches(await response.json(), step["expect"], where)
    elif "raw" in step:
        await run_raw(client, step, where)
    else:
        raise AssertionError(f"{where}: unknown step {step}")


async def run_raw(client: TestClient, step: dict[str, Any], where: str) -> None:
    raw = step["raw"]
    body = raw.get("body")
    if isinstance(body, dict) and "commits" in body:
        body = {"commits": [commit_body(c) for c in body["commits"]]}
    options: dict[str, Any] = {}
    if isinstance(body, str):
        options["data"] = body
    elif body is not None:
        options["json"] = body
    response = await client.request(raw["method"], raw["path"], **options)
    assert response.status == step["expect_status"], (where, await response.text())
    if step.get("expect_code") is not None:
        answer = await response.json()
        assert answer["error"]["code"] == step["expect_code"], (where, answer)


async def put_repo(client: TestClient, path: str, where: str) -> None:
    response = await client.put(repo_url(path))
    assert response.status in (200, 201), (where, await response.text())


def repo_url(path: str) -> str:
    return f"/api/v1/repos/{path}"


def assert_matches(actual: Any, expected: Any, where: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), (where, actual)
        for key, value in expected.items():
            assert key in actual, (where, key)
            assert_matches(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), (where, actual)
        assert len(actual) == len(expected), (where, actual)
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            assert_matches(got, want, f"{where}[{index}]")
    elif isinstance(expected, float):
        assert actual is not None, (where, expected)
        assert abs(actual - expected) <= TOLERANCE, (where, actual, expected)
    else:
        assert actual == expected, (where, actual, expected)
