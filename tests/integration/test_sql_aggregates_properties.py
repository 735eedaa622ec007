"""What the database aggregates equals what the domain computes from the rows.

On PostgreSQL deployment days and lead-time statistics are aggregated in SQL;
here they are checked, to the last bit, against the domain's aggregation of
the same rows read one by one. On SQLite both are the domain's: the test
then checks the plumbing around it.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dora.adapters.sql_database import (
    SqlUnitOfWork,
    build_engine,
    open_engine,
    session_factory,
)
from dora.domain import lead_times
from dora.domain.metrics import LeadTimeFrom, tally_days
from dora.domain.model import Commit, Deployment, RepoPath, Scope, Status
from dora.domain.window import Granularity, Window
from dora.ports.repositories import TimeRange
from dora.service_layer import ingest
from dora.service_layer.attribution import attribute_all
from tests import postgres
from tests.unit.builders import sha

FIXED_FIXTURES = [HealthCheck.function_scoped_fixture]
# Zones with DST moving midnight itself (Sao Paulo until 2019, Havana) and
# offsets of half and three quarters of an hour.
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/Sao_Paulo",
    "America/Havana",
    "Asia/Kolkata",
    "Pacific/Chatham",
]
SPAN_US = 120 * 86_400 * 1_000_000
Sessions = async_sessionmaker[AsyncSession]


@st.composite
def windows(draw: st.DrawFn) -> Window:
    start = date(2017, 1, 1) + timedelta(days=draw(st.integers(0, 3 * 365)))
    end = start + timedelta(days=draw(st.integers(0, 69)))
    return Window(start, end, ZoneInfo(draw(st.sampled_from(ZONES))))


def _instant(origin: datetime, micros: int) -> datetime:
    return origin + timedelta(microseconds=micros)


@st.composite
def histories(draw: st.DrawFn, index: int, origin: datetime) -> History:
    """A linear history of one repo and its deployments around `origin`."""
    names = [f"r{index}c{n}" for n in range(draw(st.integers(1, 20)))]
    times = st.integers(-SPAN_US // 2, SPAN_US // 2)
    commits = [
        Commit(
            sha(name),
            (sha(names[n - 1]),) if n else (),
            _instant(origin, draw(times)),
            _instant(origin, draw(times)),
        )
        for n, name in enumerate(names)
    ]
    deployments = [
        Deployment(
            id=f"d{n}",
            sha=sha(draw(st.sampled_from([*names, "unknown"]))),
            environment="production",
            status=draw(st.sampled_from([Status.SUCCESS, Status.FAILURE])),
            finished_at=_instant(origin, draw(times)),
            baseline=draw(st.booleans()),
        )
        for n in range(draw(st.integers(0, 12)))
    ]
    return History(RepoPath("acme", "web", f"repo{index}"), commits, deployments)


@dataclass(frozen=True)
class History:
    path: RepoPath
    commits: list[Commit]
    deployments: list[Deployment]


async def _load(sessions: Sessions, data: st.DataObject, window: Window) -> None:
    origin = window.bounds()[0]
    for index in range(data.draw(st.integers(1, 3), label="repos")):
        history = data.draw(histories(index, origin))
        await ingest.import_history(
            SqlUnitOfWork(sessions), history.path, history.commits, history.deployments
        )


async def _compare(url: str, data: st.DataObject, window: Window) -> None:
    granularity = data.draw(st.sampled_from(list(Granularity)), label="granularity")
    start = data.draw(st.sampled_from(list(LeadTimeFrom)), label="lead_time_from")
    engine = build_engine(url)
    sessions = session_factory(engine)
    try:
        await _load(sessions, data, window)
        async with SqlUnitOfWork(sessions) as uow:
            repos = await uow.repos.in_scope(Scope.parse("org", "acme")) or []
            await attribute_all(uow, repos)
            ids = [repo.id for repo in repos]
            during = TimeRange(*window.bounds())
            counted = await uow.deployments.counted(ids, "production", during)
            rows = await uow.changes.lead_times(ids, "production", during, start)
            days = await uow.deployments.day_tallies(ids, "production", window)
            summed = await uow.changes.lead_time_figures(
                ids, "production", window, granularity, start
            )
    finally:
        await engine.dispose()

    assert days == tally_days(window, counted)
    assert summed == lead_times.summarize(window, granularity, rows)


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file to copy: migrating for every example is slow."""
    template = tmp_path_factory.mktemp("template") / "dora.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{template}"))
    return template


async def _migrate(url: str) -> None:
    engine = await open_engine(url)
    await engine.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=FIXED_FIXTURES)
@given(data=st.data(), window=windows())
def test_sqlite_aggregates_equal_the_domain_over_the_rows(
    sqlite_template: Path, tmp_path: Path, data: st.DataObject, window: Window
) -> None:
    database = tmp_path / "example.db"
    shutil.copyfile(sqlite_template, database)

    asyncio.run(_compare(f"sqlite+aiosqlite:///{database}", data, window))


@pytest.mark.postgres
@settings(max_examples=40, deadline=None, suppress_health_check=FIXED_FIXTURES)
@given(data=st.data(), window=windows())
def test_postgres_aggregates_equal_the_domain_over_the_rows(
    postgres_database: URL, data: st.DataObject, window: Window
) -> None:
    postgres.empty(postgres_database)

    url = postgres_database.render_as_string(hide_password=False)
    asyncio.run(_compare(url, data, window))
