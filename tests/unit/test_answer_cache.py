"""Answers kept in memory: only while trusted, only until the data changes."""

from __future__ import annotations

import json

import pytest

from dora.domain.model import Scope
from dora.ports.repositories import SnapshotKey, UnitOfWork
from dora.service_layer.answer_cache import CAPACITY, AnswerCache, fresh_answer
from dora.service_layer.queries import MetricsQuery

from .builders import REPO, Platform, deployment, linear_history

QUERY = MetricsQuery.parse(
    {"scope": "repo", "id": REPO, "from": "2024-01-01", "to": "2024-01-31"}
)


def key(name: str) -> SnapshotKey:
    scope = Scope.parse("repo", f"acme/shop/{name}")
    return SnapshotKey(
        scope, "2024-01-01", "2024-01-31", "production", "week", "UTC", "committed"
    )


def trusted_cache(capacity: int = CAPACITY) -> AnswerCache:
    cache = AnswerCache(capacity)
    cache.live()
    return cache


def test_nothing_is_kept_until_the_feed_is_live() -> None:
    cache = AnswerCache()

    cache.keep(key("a"), b"{}", cache.generation)

    assert cache.get(key("a")) is None


def test_an_answer_read_before_a_change_is_not_kept() -> None:
    cache = trusted_cache()
    generation = cache.generation

    cache.changed()
    cache.keep(key("a"), b"{}", generation)

    assert cache.get(key("a")) is None


def test_a_change_drops_every_kept_answer() -> None:
    cache = trusted_cache()
    cache.keep(key("a"), b"1", cache.generation)
    cache.keep(key("b"), b"2", cache.generation)

    cache.changed()

    assert (cache.get(key("a")), cache.get(key("b"))) == (None, None)


def test_losing_the_feed_drops_the_answers_and_keeps_no_new_ones() -> None:
    cache = trusted_cache()
    cache.keep(key("a"), b"1", cache.generation)

    cache.lost()
    cache.keep(key("b"), b"2", cache.generation)

    assert (cache.get(key("a")), cache.get(key("b"))) == (None, None)


def test_the_least_recently_asked_answer_goes_first() -> None:
    cache = trusted_cache(capacity=80)
    for name in "abcdefgh":
        cache.keep(key(name), name.encode() * 10, cache.generation)
    cache.get(key("a"))

    cache.keep(key("i"), b"i" * 10, cache.generation)

    assert cache.get(key("a")) == b"a" * 10
    assert cache.get(key("b")) is None
    assert cache.get(key("i")) == b"i" * 10
    assert cache.size == 80


def test_an_answer_too_big_for_an_eighth_of_the_capacity_is_not_kept() -> None:
    cache = trusted_cache(capacity=80)
    cache.keep(key("a"), b"a" * 10, cache.generation)

    cache.keep(key("b"), b"b" * 11, cache.generation)

    assert (cache.get(key("a")), cache.get(key("b"))) == (b"a" * 10, None)


def test_a_kept_answer_read_again_replaces_its_bytes() -> None:
    cache = trusted_cache(capacity=80)
    cache.keep(key("a"), b"a" * 10, cache.generation)

    cache.keep(key("a"), b"a" * 4, cache.generation)

    assert (cache.get(key("a")), cache.size) == (b"a" * 4, 4)


def test_a_recheck_that_saw_a_commit_drops_the_answers() -> None:
    commits = [False, True, False]
    cache = AnswerCache()
    cache.live(lambda: commits.pop(0))
    cache.keep(key("a"), b"1", cache.generation)

    asked = [cache.get(key("a")) for _ in range(3)]

    assert asked == [b"1", None, None]


class CountingUnits:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.opened = 0

    async def __call__(self) -> UnitOfWork:
        self.opened += 1
        return self.platform.uow()


@pytest.fixture
async def computed(platform: Platform) -> Platform:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1"))
    await platform.metrics()
    return platform


async def test_a_kept_answer_is_served_without_reading_the_store(
    computed: Platform,
) -> None:
    cache = trusted_cache()
    units = CountingUnits(computed)
    first = await fresh_answer(cache, units, QUERY)

    second = await fresh_answer(cache, units, QUERY)

    assert first is not None
    assert second == first
    assert json.loads(first)["deployment_frequency"] == 1
    assert units.opened == 1


async def test_an_untrusted_cache_reads_the_store_every_time(
    computed: Platform,
) -> None:
    cache = AnswerCache()
    units = CountingUnits(computed)

    answers = [await fresh_answer(cache, units, QUERY) for _ in range(3)]

    assert units.opened == 3
    assert answers[0] is not None
    assert answers.count(answers[0]) == 3


async def test_after_a_change_the_store_is_read_again(computed: Platform) -> None:
    cache = trusted_cache()
    units = CountingUnits(computed)
    await fresh_answer(cache, units, QUERY)
    await computed.deploy(deployment("d2", "c1", "2024-01-20T10:00:00Z"))
    cache.changed()

    stale = await fresh_answer(cache, units, QUERY)
    await computed.metrics()
    fresh = await fresh_answer(cache, units, QUERY)

    assert stale is None
    assert fresh is not None
    assert json.loads(fresh)["deployment_frequency"] == 2
    assert units.opened == 3


async def test_a_comparison_is_never_kept(computed: Platform) -> None:
    cache = trusted_cache()
    units = CountingUnits(computed)
    query = MetricsQuery.parse(
        {
            "scope": "repo",
            "id": REPO,
            "from": "2024-01-01",
            "to": "2024-01-31",
            "compare": "previous",
        }
    )

    answer = await fresh_answer(cache, units, query)

    assert answer is None
    assert units.opened == 0
