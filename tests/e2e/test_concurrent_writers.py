"""Concurrent writers, readers and recomputes lose and double nothing.

Eight writers send overlapping, shuffled commit batches and deployment reports
(running, then finished) to a real `dora serve` while readers ask for metrics
and recomputes run. The final figures must equal those of a serial replay of
the same data into a fresh database.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests import postgres
from tests.row_counts import row_counts

from .dora_process import dora_service
from .load_data import REPOS, SCOPES, WINDOW, History, history, running, writer_plans

WRITERS = 8
TABLES = ("orgs", "projects", "repos", "commits", "deployments", "shipped_changes")


@pytest.fixture
def serial_url(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A second, fresh database of the same kind as `database_url`."""
    if database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'serial.db'}"
        return
    with postgres.scratch_database(request.getfixturevalue("postgres_server")) as url:
        yield url.render_as_string(hide_password=False)


async def test_concurrent_writers_end_where_a_serial_replay_ends(
    database_url: str, serial_url: str, tmp_path: Path
):
    data = history(commits=160, deployments=12)
    plans = writer_plans(data, WRITERS, seed=11)

    with dora_service(tmp_path, database_url) as url:
        async with aiohttp.ClientSession(url) as session:
            began = time.monotonic()
            statuses = await load(session, plans)
            seconds = time.monotonic() - began
            concurrent = await final_answers(session)
    with dora_service(tmp_path, serial_url) as url:
        async with aiohttp.ClientSession(url) as session:
            await replay(session, data)
            serial = await final_answers(session)

    print(f"{sum(statuses.values())} requests in {seconds:.1f} s: {dict(statuses)}")
    assert set(statuses) <= {200, 201}, statuses
    assert concurrent == serial
    counted = row_counts(database_url, TABLES)
    assert counted == row_counts(serial_url, TABLES)
    assert counted["commits"] == sum(len(c) for c in data.commits.values())
    assert counted["deployments"] == sum(len(d) for d in data.deployments.values())
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


async def load(
    session: aiohttp.ClientSession, plans: list[list[tuple[str, Any]]]
) -> Counter[int]:
    """Run the writers with two readers and a recomputer beside them."""
    statuses: Counter[int] = Counter()
    repos_made = asyncio.Barrier(len(plans) + 3)
    done = asyncio.Event()

    async def write(plan: list[tuple[str, Any]]) -> None:
        puts = [step for step in plan if step[0] == "put"]
        for step in puts:
            statuses[await send(session, *step)] += 1
        await repos_made.wait()
        for step in plan[len(puts) :]:
            statuses[await send(session, *step)] += 1

    async def read(seed: int, recompute: bool) -> None:
        rng = random.Random(seed)
        await repos_made.wait()
        while not done.is_set():
            scope, scope_id = rng.choice(SCOPES)
            query = {**WINDOW, "scope": scope, "id": scope_id}
            if recompute:
                answer = session.post("/api/v1/metrics/dora/recompute", json=query)
            else:
                answer = session.get("/api/v1/metrics/dora", params=query)
            async with answer as response:
                statuses[response.status] += 1
            # Readers keep the writers company; they should not crowd them out.
            await asyncio.sleep(0.05)

    readers = [asyncio.create_task(read(n, recompute=n == 2)) for n in range(3)]
    await asyncio.gather(*(write(plan) for plan in plans))
    done.set()
    await asyncio.gather(*readers)
    return statuses


async def send(session: aiohttp.ClientSession, kind: str, what: Any) -> int:
    if kind == "put":
        answer = session.put(f"/api/v1/repos/{what}")
    else:
        repo, body = what
        path = "commits" if kind == "commits" else "deployments"
        answer = session.post(f"/api/v1/repos/{repo}/{path}", json=body)
    async with answer as response:
        await response.read()
        return response.status


async def replay(session: aiohttp.ClientSession, data: History) -> None:
    """Send the same data one request at a time."""
    for repo in REPOS:
        assert await send(session, "put", repo) == 201
        batch = {"commits": data.commits[repo]}
        assert await send(session, "commits", (repo, batch)) == 200
        for deployment in data.deployments[repo]:
            assert await send(session, "deploy", (repo, running(deployment))) == 201
            assert await send(session, "deploy", (repo, deployment)) == 200


async def final_answers(session: aiohttp.ClientSession) -> list[Any]:
    """The metrics of every scope and the deployments of every repo."""
    answers: list[Any] = []
    for scope, scope_id in SCOPES:
        query = {**WINDOW, "scope": scope, "id": scope_id}
        async with session.post("/api/v1/metrics/dora/recompute", json=query) as got:
            answer = await got.json()
        answer.pop("computed_at")
        answers.append(answer)
    for repo in REPOS:
        listing = {"from": WINDOW["from"], "to": WINDOW["to"]}
        async with session.get(
            f"/api/v1/repos/{repo}/deployments", params=listing
        ) as got:
            answers.append(await got.json())
    return answers
