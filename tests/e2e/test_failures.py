"""A month of one repository's deliveries, its failures worked out by hand.

January 2024, one repo. Commit c00 (Dec 31) was already running: a baseline.
Every day k at 08:00 commit c<k> lands on top of the previous one and the
daily deployment d<k> ships it at 10:00, so every change waits 2 hours.
On top of that:

- Jan 5: d05 is rolled back to c04 by r1 at 11:00 (recovered in 1 h).
- Jan 12: d12 is rolled back past two releases to c10 by r2 at 16:00 (6 h).
- Jan 15: a first attempt at c15 fails at 09:30; d15 succeeds at 10:00.
- Jan 20: d20 is fixed forward by f1 at 13:00, which ships c20fix (committed
  at 11:00) and names d20 in `remediates` (3 h). c21 builds on c20fix.
- Jan 25: incident i1 names d25, starts 12:00, resolved 20:00 (10 h).
- Jan 28: incident i2 names nothing; it starts 15:00, 5 hours after d28, the
  latest deployment, and is resolved Jan 29 09:00 (23 h).

Counted deployments: 31 daily + r1 + r2 + f1 = 34, on 31 days.
Failed: d05, d12, d20, d25, d28 = 5; change failure rate 5/34 = 0.147059.
Recovery hours 1, 3, 6, 10, 23: mean 43/5 = 8.6, median 6, p90 at rank
0.9 * 4 = 3.6: 10 + 0.6 * (23 - 10) = 17.8. Nothing is unrecovered.
Rework: r1, r2 and f1, 3/34 = 0.088235. Failed attempts: 1.
Changes: c01..c31 and c20fix, 32 of them, each 2 hours.
Levels: every whole ISO week (Jan 1-7, 8-14, 15-21, 22-28) has 7 deployment
days, median 7 >= 5: elite; lead time median 2 h < 1 day: elite; 14.7% is at
most 15%: medium; recovery median 6 h < 1 day: high.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from dora.entrypoints import openapi_models as out
from tests.e2e.scenarios import commit_body, deployment_body

REPO = "/api/v1/repos/acme/shop/web"
METRICS = "/api/v1/metrics/dora"
JANUARY = {"scope": "repo", "id": "acme/shop/web", "from": "2024-01-01"}
JANUARY["to"] = "2024-01-31"


def _commits() -> list[dict[str, Any]]:
    commits = [{"name": "c00", "committed_at": "2023-12-31T08:00:00Z"}]
    for day in range(1, 32):
        parent = "c20fix" if day == 21 else f"c{day - 1:02}"
        at = f"2024-01-{day:02}T08:00:00Z"
        commits.append({"name": f"c{day:02}", "parents": [parent], "committed_at": at})
    fix = {"name": "c20fix", "parents": ["c20"], "committed_at": "2024-01-20T11:00Z"}
    return [*commits, fix]


def _deployments() -> list[dict[str, Any]]:
    items = [_deploy("b0", "c00", "2023-12-31T10:00:00Z", baseline=True)]
    items += [
        _deploy(f"d{day:02}", f"c{day:02}", f"2024-01-{day:02}T10:00:00Z")
        for day in range(1, 32)
    ]
    return [
        *items,
        _deploy("r1", "c04", "2024-01-05T11:00:00Z"),
        _deploy("r2", "c10", "2024-01-12T16:00:00Z"),
        _deploy("fa", "c15", "2024-01-15T09:30:00Z", status="failure"),
        _deploy("f1", "c20fix", "2024-01-20T13:00:00Z", remediates="d20"),
    ]


def _deploy(ident: str, name: str, finished_at: str, **extra: Any) -> dict[str, Any]:
    item = {"id": ident, "commit": name, "status": "success", **extra}
    item["finished_at"] = finished_at
    return deployment_body(item)


INCIDENTS = [
    {
        "id": "i1",
        "started_at": "2024-01-25T12:00:00Z",
        "resolved_at": "2024-01-25T20:00:00Z",
        "deployment_id": "d25",
    },
    {
        "id": "i2",
        "started_at": "2024-01-28T15:00:00Z",
        "resolved_at": "2024-01-29T09:00:00Z",
    },
]


async def seed_month(client: TestClient) -> None:
    assert (await client.put(REPO)).status == 201
    body = {"commits": [commit_body(c) for c in _commits()]}
    assert (await client.post(f"{REPO}/commits", json=body)).status == 200
    for item in _deployments():
        response = await client.post(f"{REPO}/deployments", json=item)
        assert response.status == 201, await response.text()
    for incident in INCIDENTS:
        response = await client.post(f"{REPO}/incidents", json=incident)
        assert response.status == 201, await response.text()


async def metrics(client: TestClient, **params: str) -> dict[str, Any]:
    response = await client.get(METRICS, params={**JANUARY, **params})
    assert response.status == 200, await response.text()
    answer: dict[str, Any] = await response.json()
    return answer


EXPECTED = {
    "deployment_frequency": 34,
    "deployment_days": 31,
    "changes": 32,
    "lead_time_median_hours": 2.0,
    "failed_deployments": 5,
    "change_failure_rate": 0.147059,
    "recovery_time_avg_hours": 8.6,
    "recovery_time_median_hours": 6.0,
    "recovery_time_p90_hours": 17.8,
    "unrecovered_failures": 0,
    "deployment_rework_rate": 0.088235,
    "failed_attempts": 1,
    "deployment_days_per_week_median": 7.0,
    "deployment_days_per_month_median": 31.0,
}


async def test_a_month_of_deliveries_gives_the_worked_out_figures(
    client: TestClient,
) -> None:
    await seed_month(client)

    answer = await metrics(client)

    figures = {name: answer[name] for name in EXPECTED}
    assert figures == pytest.approx(EXPECTED)
    assert answer["levels"] == {
        "benchmark": "dora-2023",
        "deployment_frequency": "elite",
        "lead_time": "elite",
        "change_failure_rate": "medium",
        "recovery_time": "high",
    }


async def test_the_weekly_series_places_each_failure_in_its_week(
    client: TestClient,
) -> None:
    await seed_month(client)

    answer = await metrics(client)

    # Weeks 1 to 3 hold 8 deployments with one failure each; week 4 holds 7
    # with d25 and d28 (recovered in 10 and 23 hours); Jan 29-31 holds 3.
    rows = [
        (
            period["deployment_frequency"],
            period["failed_deployments"],
            period["recovery_time_median_hours"],
            period["failed_attempts"],
        )
        for period in answer["series"]
    ]
    assert rows == [
        (8, 1, 1.0, 0),
        (8, 1, 6.0, 0),
        (8, 1, 3.0, 1),
        (7, 2, 16.5, 0),
        (3, 0, None, 0),
    ]


async def test_compare_previous_adds_the_quiet_december_before(
    client: TestClient,
) -> None:
    await seed_month(client)

    answer = await metrics(client, compare="previous")

    out.MetricsAnswer.model_validate(answer)
    previous = answer["previous"]
    # December holds only the baseline, which counts nowhere.
    assert (previous["from"], previous["to"]) == ("2023-12-01", "2023-12-31")
    assert previous["deployment_frequency"] == 0
    assert previous["change_failure_rate"] is None
    assert previous["levels"]["deployment_frequency"] == "low"
    assert answer["failed_deployments"] == 5


async def test_recompute_takes_compare_in_its_body(client: TestClient) -> None:
    await seed_month(client)

    response = await client.post(
        METRICS + "/recompute", json={**JANUARY, "compare": "previous"}
    )

    assert response.status == 200
    assert (await response.json())["previous"]["from"] == "2023-12-01"


async def test_resolving_an_incident_later_updates_it_and_the_figures(
    client: TestClient,
) -> None:
    await seed_month(client)
    open_again = {**INCIDENTS[1]}
    del open_again["resolved_at"]
    reopened = await client.post(f"{REPO}/incidents", json=open_again)
    before = await metrics(client)

    resolved = await client.post(f"{REPO}/incidents", json=INCIDENTS[1])
    after = await metrics(client)

    assert (reopened.status, resolved.status) == (200, 200)
    assert (await resolved.json())["resolved_at"] == "2024-01-29T09:00:00Z"
    assert (before["unrecovered_failures"], after["unrecovered_failures"]) == (1, 0)


async def test_a_deployment_answers_with_what_it_remediates(
    client: TestClient,
) -> None:
    await seed_month(client)

    response = await client.get(f"{REPO}/deployments/f1")

    assert (await response.json())["remediates"] == "d20"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"id": "i", "started_at": "2024-01-05T10:00:00"}, "started_at"),
        (
            {
                "id": "i",
                "started_at": "2024-01-05T10:00:00Z",
                "resolved_at": "2024-01-05T09:00:00Z",
            },
            "resolved_at",
        ),
        ({"id": "", "started_at": "2024-01-05T10:00:00Z"}, "id"),
        ({"id": "i"}, "started_at"),
        (
            {"id": "i", "started_at": "2024-01-05T10:00:00Z", "environment": "a b"},
            "environment",
        ),
    ],
)
async def test_an_invalid_incident_is_refused_naming_its_field(
    memory_client: TestClient, body: dict[str, Any], path: str
) -> None:
    await memory_client.put(REPO)

    response = await memory_client.post(f"{REPO}/incidents", json=body)

    error = (await response.json())["error"]
    assert (response.status, error["code"]) == (422, "invalid_payload")
    assert [problem["path"] for problem in error["details"]] == [path]


async def test_a_deployment_cannot_remediate_itself(
    memory_client: TestClient,
) -> None:
    await memory_client.put(REPO)
    item = _deploy("d1", "c01", "2024-01-01T10:00:00Z", remediates="d1")

    response = await memory_client.post(f"{REPO}/deployments", json=item)

    error = (await response.json())["error"]
    assert response.status == 422
    assert [problem["path"] for problem in error["details"]] == ["remediates"]


async def test_an_incident_of_an_unknown_repo_is_not_found(
    memory_client: TestClient,
) -> None:
    body = {"id": "i", "started_at": "2024-01-05T10:00:00Z"}

    response = await memory_client.post(f"{REPO}/incidents", json=body)

    assert response.status == 404
