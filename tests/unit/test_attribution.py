"""Attribution stays right as data arrives late, out of order or changed."""

from __future__ import annotations

import pytest

from dora.domain.model import Status

from .builders import Platform, commit, deployment, linear_history, long_history


async def test_deployment_turned_into_a_baseline_stops_counting_its_changes(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1", "c2"))
    await platform.deploy(deployment("d1", "c2"))
    before = await platform.metrics()

    await platform.deploy(deployment("d1", "c2", baseline=True))
    after = await platform.metrics()

    assert (before["changes"], after["changes"]) == (2, 0)


async def test_deployment_that_turns_out_failed_leaves_its_commits_to_the_next(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1", "c2", "c3"))
    await platform.deploy(
        deployment("d1", "c2", "2024-01-02T10:00:00Z"),
        deployment("d2", "c3", "2024-01-02T12:00:00Z"),
    )
    await platform.metrics()

    await platform.deploy(
        deployment("d1", "c2", "2024-01-02T10:00:00Z", status=Status.FAILURE)
    )
    after = await platform.metrics("2024-01-02", "2024-01-02", granularity="day")

    assert after["deployment_frequency"] == 1
    assert after["changes"] == 3


async def test_deployment_posted_late_takes_the_commits_it_reached_first(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1", "c2", "c3"))
    await platform.deploy(deployment("d2", "c3", "2024-01-03T10:00:00Z"))
    await platform.metrics()

    await platform.deploy(deployment("d1", "c2", "2024-01-02T10:00:00Z"))
    later = await platform.metrics("2024-01-03", "2024-01-03")

    assert later["changes"] == 1


async def test_deployment_moved_to_another_sha_ships_from_there(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1", "c2", "c3"))
    await platform.deploy(deployment("d1", "c2", "2024-01-02T10:00:00Z"))
    await platform.metrics()

    await platform.deploy(deployment("d1", "c3", "2024-01-02T10:00:00Z"))
    after = await platform.metrics()

    assert after["changes"] == 3


@pytest.mark.parametrize("new_environment", ["staging", "production"])
async def test_deployment_moved_to_another_environment_ships_there(
    platform: Platform, new_environment: str
) -> None:
    await platform.add_commits(*linear_history("c1", "c2"))
    await platform.deploy(deployment("d1", "c2", environment="qa"))
    await platform.metrics(environment="qa")

    await platform.deploy(deployment("d1", "c2", environment=new_environment))
    moved_to = await platform.metrics(environment=new_environment)
    left = await platform.metrics(environment="qa")

    assert (moved_to["changes"], left["changes"]) == (2, 0)


async def test_parents_arriving_later_are_shipped_by_the_deployment_that_reached_them(
    platform: Platform,
) -> None:
    await platform.add_commits(commit("c2", "c1", committed="2024-01-01T10:00:00Z"))
    await platform.deploy(
        deployment("d1", "c2", "2024-01-01T12:00:00Z"),
        deployment("d2", "c2", "2024-01-01T13:00:00Z"),
    )
    before = await platform.metrics()

    await platform.add_commits(commit("c1", committed="2024-01-01T09:00:00Z"))
    after = await platform.metrics()

    assert before["changes"] == 1
    assert after["changes"] == 2
    assert after["lead_time_avg_hours"] == pytest.approx(2.5)


async def test_running_deployment_that_succeeds_joins_the_chain_in_its_place(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1", "c2", "c3"))
    await platform.deploy(deployment("d1", "c2", None, status=Status.RUNNING))
    await platform.deploy(deployment("d2", "c3", "2024-01-02T12:00:00Z"))
    await platform.metrics()

    await platform.deploy(deployment("d1", "c2", "2024-01-02T10:00:00Z"))
    later = await platform.metrics("2024-01-02", "2024-01-02")

    assert later["deployment_frequency"] == 2
    assert later["lead_time_avg_hours"] == pytest.approx(74 / 3)


async def test_deep_walk_after_an_earlier_attribution_ships_every_new_commit(
    platform: Platform,
) -> None:
    history = long_history(80)
    await platform.add_commits(*history)
    await platform.deploy(deployment("d1", "c5", "2024-01-02T10:00:00Z"))
    await platform.metrics()
    await platform.deploy(
        deployment("d2", "c20", "2024-01-02T11:00:00Z"),
        deployment("d3", "c79", "2024-01-02T12:00:00Z"),
    )

    answer = await platform.metrics()

    assert answer["changes"] == 80
    assert platform.kept_attribution() == platform.fresh_attribution()


async def test_many_new_deployments_at_once_are_attributed_like_a_few(
    platform: Platform,
) -> None:
    history = long_history(70)
    await platform.add_commits(*history)
    await platform.deploy(deployment("d0", "c0", "2024-01-02T00:00:00Z"))
    await platform.metrics()
    await platform.deploy(
        *(
            deployment(f"d{n}", f"c{n}", f"2024-01-02T{n // 60:02d}:{n % 60:02d}:30Z")
            for n in range(1, 70)
        )
    )

    answer = await platform.metrics()

    assert (answer["deployment_frequency"], answer["changes"]) == (70, 70)
    assert platform.kept_attribution() == platform.fresh_attribution()
