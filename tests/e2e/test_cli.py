"""`dora metrics`, and how every command reports bad input."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from dora.adapters.memory import MemoryDatabase
from dora.entrypoints.http_app import create_app
from dora.entrypoints.settings import Settings
from tests.e2e.cli_support import (
    REPO,
    WINDOW,
    Dora,
    memory_container,
    memory_dora,
    metrics_json,
    three_commit_export,
)

QUERY = {"scope": "repo", "id": REPO, "from": "2024-01-01", "to": "2024-01-31"}


@pytest.fixture
def database() -> MemoryDatabase:
    return MemoryDatabase()


@pytest.fixture
def dora(database: MemoryDatabase) -> Dora:
    return memory_dora(database)


def test_metrics_json_is_the_answer_of_the_rest_api(
    database: MemoryDatabase, dora: Dora, tmp_path: Path
) -> None:
    dora("import", three_commit_export(tmp_path), "--repo", REPO)

    printed = metrics_json(dora, "--format", "json")
    served = asyncio.run(rest_metrics(database, QUERY))

    assert printed == served


async def rest_metrics(database: MemoryDatabase, query: dict[str, str]) -> Any:
    app = create_app(memory_container(database), Settings())
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/api/v1/metrics/dora", params=query)
        assert response.status == 200, await response.text()
        return await response.json()


def test_metrics_are_served_from_the_snapshot_unless_recompute_is_asked(
    dora: Dora, tmp_path: Path
) -> None:
    dora("import", three_commit_export(tmp_path), "--repo", REPO)
    first = metrics_json(dora, "--format", "json")

    again = metrics_json(dora, "--format", "json")
    recomputed = metrics_json(dora, "--format", "json", "--recompute")

    assert again["computed_at"] == first["computed_at"]
    assert recomputed["computed_at"] != first["computed_at"]
    assert {**recomputed, "computed_at": None} == {**first, "computed_at": None}


def test_metrics_table_shows_the_figures_and_every_period(
    dora: Dora, tmp_path: Path
) -> None:
    dora("import", three_commit_export(tmp_path), "--repo", REPO)

    result = dora("metrics", "--scope", "repo", "--id", REPO, *WINDOW)

    assert result.exit_code == 0, result.stderr
    assert re.search(r"deployment frequency +2\b", result.stdout)
    assert re.search(r"lead time avg \(hours\) +13\.0000", result.stdout)
    assert re.search(r"change failure rate +0\.0 % +elite", result.stdout)
    periods = re.findall(r"^ *(2024-\d\d-\d\d) +(2024-\d\d-\d\d)", result.stdout, re.M)
    assert periods[0] == ("2024-01-01", "2024-01-07")
    assert periods[-1] == ("2024-01-29", "2024-01-31")
    assert len(periods) == 5


def test_metrics_compare_previous_adds_the_window_before(
    dora: Dora, tmp_path: Path
) -> None:
    dora("import", three_commit_export(tmp_path), "--repo", REPO)

    answer = metrics_json(dora, "--format", "json", "--compare", "previous")
    table = dora(
        "metrics", "--scope", "repo", "--id", REPO, *WINDOW, "--compare", "previous"
    )

    assert answer["previous"]["from"] == "2023-12-01"
    assert answer["previous"]["deployment_frequency"] == 0
    assert "previous: 2023-12-01 to 2023-12-31" in table.stdout


def test_an_unknown_repo_exits_with_status_1_and_a_clear_message(dora: Dora) -> None:
    result = dora("metrics", "--scope", "repo", "--id", "acme/web/nothing", *WINDOW)

    assert result.exit_code == 1
    assert result.stderr == "dora: error: id: repo 'acme/web/nothing' does not exist\n"


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--granularity", "fortnight", "granularity: 'fortnight'"),
        ("--tz", "Mars/Olympus", "tz: 'Mars/Olympus'"),
        ("--lead-time-from", "pushed", "lead_time_from: 'pushed'"),
        ("--scope", "team", "scope: 'team'"),
        ("--compare", "last-year", "compare: 'last-year'"),
    ],
)
def test_an_invalid_metrics_parameter_exits_with_status_2_naming_it(
    dora: Dora, option: str, value: str, named: str
) -> None:
    result = dora("metrics", "--scope", "repo", "--id", REPO, *WINDOW, option, value)

    assert result.exit_code == 2
    assert result.stderr.startswith(f"dora: error: {named}")


def test_a_window_ending_before_it_starts_exits_with_status_2(dora: Dora) -> None:
    window = ("--from", "2024-02-01", "--to", "2024-01-01")

    result = dora("metrics", "--scope", "repo", "--id", REPO, *window)

    assert result.exit_code == 2
    assert result.stderr.startswith("dora: error: ")


def test_a_missing_from_is_a_usage_error(dora: Dora) -> None:
    result = dora("metrics", "--scope", "repo", "--id", REPO, "--to", "2024-01-31")

    assert result.exit_code == 2
    assert "Missing option '--from'" in result.stderr


def test_serve_refuses_an_unknown_log_level(
    dora: Dora, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DORA_LOG_LEVEL", "chatty")

    result = dora("serve")

    assert result.exit_code == 2
    assert result.stderr == "dora: error: DORA_LOG_LEVEL: 'chatty' is not a log level\n"
