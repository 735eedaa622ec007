"""A statement that runs past the statement timeout is answered 503, quickly."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import URL

from dora.container import Container
from dora.entrypoints.http_app import create_app
from dora.entrypoints.settings import Settings
from tests import postgres

from .conftest import ClientMaker

pytestmark = pytest.mark.postgres

REPO = "/api/v1/repos/acme/web/shop"
COMMIT = {"sha": "a" * 40, "committed_at": "2024-01-02T10:00:00Z"}


@pytest.fixture
def locked_repos(postgres_database: URL) -> URL:
    """An empty database whose `repos` table another session can lock."""
    postgres.empty(postgres_database)
    return postgres_database


async def test_a_statement_past_the_timeout_is_unavailable_not_an_error(
    aiohttp_client: ClientMaker, locked_repos: URL
):
    url = locked_repos.render_as_string(hide_password=False)
    settings = Settings(database_url=url, statement_timeout_ms=300)
    client = await aiohttp_client(create_app(Container(settings=settings), settings))
    assert (await client.put(REPO)).status == 201
    libpq = locked_repos.set(drivername="postgresql").render_as_string(
        hide_password=False
    )

    with psycopg.connect(libpq) as blocker:
        blocker.execute("LOCK TABLE repos IN ACCESS EXCLUSIVE MODE")
        began = time.monotonic()
        answer = await client.post(REPO + "/commits", json={"commits": [COMMIT]})
        waited = time.monotonic() - began
        blocker.rollback()

    assert answer.status == 503
    error = (await answer.json())["error"]
    assert error["code"] == "unavailable"
    assert "statement timeout" in error["message"]
    assert waited < 5
    retried = await client.post(REPO + "/commits", json={"commits": [COMMIT]})
    assert retried.status == 200
