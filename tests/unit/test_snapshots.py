"""Answers are served from a snapshot only while no data of the scope changed."""

from __future__ import annotations

import json

from dora.domain.model import Status
from dora.service_layer.metrics import stored_answer
from dora.service_layer.queries import MetricsQuery

from .builders import REPO, Platform, deployment, linear_history


def deploy_behind_the_service_back(platform: Platform) -> None:
    """Change the stored data without recording that it changed.

    A computation sees the change, a snapshot does not: this tells the two
    apart even when both happen within the same clock tick.
    """
    [repo] = platform.db.repos.values()
    extra = deployment("hidden", "c1", "2024-01-20T10:00:00Z")
    platform.db.deployments[repo.id][extra.id] = extra


async def test_second_question_is_answered_from_the_snapshot(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1"))
    first = await platform.metrics()
    deploy_behind_the_service_back(platform)

    second = await platform.metrics()

    assert second == first
    assert second["computed_at"] == first["computed_at"]


async def test_new_deployment_makes_the_next_question_recompute(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1", "c2"))
    await platform.deploy(deployment("d1", "c1", "2024-01-02T10:00:00Z"))
    first = await platform.metrics()
    await platform.deploy(deployment("d2", "c2", "2024-01-03T10:00:00Z"))

    second = await platform.metrics()

    assert first["deployment_frequency"] == 1
    assert second["deployment_frequency"] == 2
    assert second["changes"] == 2


async def test_new_commits_make_the_next_question_recompute(
    platform: Platform,
) -> None:
    await platform.deploy(deployment("d1", "c2", "2024-01-02T10:00:00Z"))
    first = await platform.metrics()
    await platform.add_commits(*linear_history("c1", "c2"))

    second = await platform.metrics()

    assert first["changes"] == 0
    assert second["changes"] == 2


async def test_updated_deployment_makes_the_next_question_recompute(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1", None, status=Status.RUNNING))
    first = await platform.metrics()
    await platform.deploy(deployment("d1", "c1", "2024-01-02T10:00:00Z"))

    second = await platform.metrics()

    assert first["deployment_frequency"] == 0
    assert second["deployment_frequency"] == 1


async def test_recompute_always_computes_afresh(platform: Platform) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1"))
    await platform.metrics()
    deploy_behind_the_service_back(platform)

    recomputed = await platform.metrics(recompute=True)

    assert recomputed["deployment_frequency"] == 2


async def test_recomputed_answer_replaces_the_snapshot(platform: Platform) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1"))
    await platform.metrics()
    deploy_behind_the_service_back(platform)
    recomputed = await platform.metrics(recompute=True)

    served = await platform.metrics()

    assert served == recomputed


async def test_snapshot_of_one_question_does_not_answer_another(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1"))
    await platform.deploy(deployment("d1", "c1", "2024-01-02T10:00:00Z"))
    await platform.metrics()

    answers = [
        await platform.metrics("2024-01-03", "2024-01-31"),
        await platform.metrics(environment="staging"),
        await platform.metrics(granularity="day"),
        await platform.metrics(tz="America/New_York"),
        await platform.metrics(lead_time_from="authored"),
    ]

    assert [a["deployment_frequency"] for a in answers] == [0, 0, 1, 1, 1]
    assert [len(a["series"]) for a in answers] == [5, 5, 31, 5, 5]
    assert answers[3]["tz"] == "America/New_York"
    assert answers[4]["lead_time_from"] == "authored"


async def test_write_to_another_repo_of_an_org_refreshes_the_org_answer(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1"), repo="acme/web/api")
    await platform.add_commits(*linear_history("c1"), repo="acme/pay/api")
    await platform.deploy(deployment("d1", "c1"), repo="acme/web/api")
    first = await platform.metrics(scope="org", id="acme")
    await platform.deploy(deployment("d1", "c1"), repo="acme/pay/api")

    second = await platform.metrics(scope="org", id="acme")

    assert first["deployment_frequency"] == 1
    assert second["deployment_frequency"] == 2


async def test_stored_answer_is_the_snapshot_text_until_a_deployment_lands(
    platform: Platform,
) -> None:
    await platform.add_commits(*linear_history("c1", "c2"))
    await platform.deploy(deployment("d1", "c1", "2024-01-02T10:00:00Z"))
    first = await platform.metrics()
    query = MetricsQuery.parse(
        {"scope": "repo", "id": REPO, "from": "2024-01-01", "to": "2024-01-31"}
    )

    stored = await stored_answer(platform.uow(), query)
    await platform.deploy(deployment("d2", "c2", "2024-01-03T10:00:00Z"))
    after = await stored_answer(platform.uow(), query)

    assert stored is not None
    assert json.loads(stored) == first
    assert after is None
