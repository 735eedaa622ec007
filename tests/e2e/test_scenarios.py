"""Every hand-checked acceptance scenario, through the HTTP API."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from tests.e2e.scenarios import run_scenario, scenario_files

SCENARIOS = scenario_files()


def test_the_handed_scenarios_are_all_found() -> None:
    assert len(SCENARIOS) >= 10


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
async def test_scenario_holds_on_sql_storage(client: TestClient, path: Path) -> None:
    await run_scenario(client, path)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
async def test_scenario_holds_on_memory_storage(
    memory_client: TestClient, path: Path
) -> None:
    await run_scenario(client=memory_client, path=path)
