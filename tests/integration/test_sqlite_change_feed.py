"""SQLite, asked before each look-up, says whether anyone committed since."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from dora.adapters.sql_change_feed import SqliteChangeFeed
from dora.adapters.sql_database import SqlUnitOfWork, open_engine, session_factory
from dora.domain.model import RepoPath
from dora.ports.changes import Recheck
from dora.service_layer import ingest

from .builders import commit

PATH = RepoPath.parse("acme/shop/web")


class Observer:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.recheck: Recheck | None = None

    def changed(self) -> None:
        self.events.append("changed")

    def live(self, recheck: Recheck | None = None) -> None:
        self.events.append("live")
        self.recheck = recheck

    def lost(self) -> None:
        self.events.append("lost")
        self.recheck = None


@pytest.fixture
async def units(tmp_path: Path) -> AsyncIterator[SqlUnitOfWork]:
    engine = await open_engine(f"sqlite+aiosqlite:///{tmp_path / 'dora.db'}")
    await ingest.put_repo(SqlUnitOfWork(session_factory(engine)), PATH)
    yield SqlUnitOfWork(session_factory(engine))
    await engine.dispose()


@pytest.fixture
async def observer(tmp_path: Path, units: SqlUnitOfWork) -> AsyncIterator[Observer]:
    watching = Observer()
    feed = SqliteChangeFeed(str(tmp_path / "dora.db"), watching)
    await feed.start()
    yield watching
    await feed.stop()


def ask(observer: Observer) -> bool:
    assert observer.recheck is not None
    return observer.recheck()


async def test_nothing_changed_since_the_feed_went_live(observer: Observer) -> None:
    assert observer.events == ["live"]
    assert [ask(observer), ask(observer)] == [False, False]


async def test_a_commit_is_seen_by_the_next_question_only(
    observer: Observer, units: SqlUnitOfWork
) -> None:
    await ingest.add_commits(units, PATH, [commit("c1")])

    assert [ask(observer), ask(observer)] == [True, False]


async def test_a_read_is_not_a_change(observer: Observer, units: SqlUnitOfWork) -> None:
    async with units as uow:
        await uow.repos.get(PATH)

    assert ask(observer) is False


async def test_a_database_that_cannot_be_opened_leaves_nothing_trusted(
    tmp_path: Path,
) -> None:
    watching = Observer()
    feed = SqliteChangeFeed(str(tmp_path / "missing" / "dora.db"), watching)

    await feed.start()
    await feed.stop()

    assert watching.events == ["lost"]
