"""Answer metrics questions from fresh snapshots or a new computation."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from dora.domain.errors import NotFound
from dora.domain.levels import DeploymentDays
from dora.domain.metrics import figures_of, local_days
from dora.domain.model import Repo
from dora.ports.repositories import (
    Snapshot,
    SnapshotKey,
    UnitOfWork,
)
from dora.service_layer import failures
from dora.service_layer.answers import render
from dora.service_layer.attribution import attribute_all
from dora.service_layer.failure_answers import compared
from dora.service_layer.queries import MetricsQuery

logger = logging.getLogger(__name__)


async def dora_metrics(
    uow: UnitOfWork, query: MetricsQuery, recompute: bool = False
) -> dict[str, Any]:
    """Return the metrics answer, served from a snapshot while it is fresh."""
    async with uow:
        repos = await uow.repos.in_scope(query.scope)
        if repos is None:
            raise NotFound(
                f"id: {query.scope.type.value} {query.scope.path!r} does not exist"
            )
        ids = [repo.id for repo in repos]
        stored, scope = await uow.snapshots.with_version(snapshot_key(query), ids)
        version = scope.token()
        answer = await _answer(
            uow, query, repos, version, None if recompute else stored
        )
        if query.compare == "previous":
            earlier = await _earlier(uow, query.previous(), repos, version, recompute)
            answer = {**answer, "previous": compared(earlier)}
        await uow.commit()
    return answer


async def stored_answer(uow: UnitOfWork, query: MetricsQuery) -> str | None:
    """Return the stored answer as JSON text while it is fresh, else None.

    One look-up and no decoding: this is what most questions cost.
    """
    if query.compare is not None:
        return None
    async with uow:
        stored = await uow.snapshots.stored_text(snapshot_key(query))
    if stored is None or not stored.fresh:
        return None
    return stored.text


async def _earlier(
    uow: UnitOfWork,
    query: MetricsQuery,
    repos: list[Repo],
    version: str,
    recompute: bool,
) -> dict[str, Any]:
    # The earlier window is a question of its own, with its own snapshot.
    stored = None if recompute else await uow.snapshots.get(snapshot_key(query))
    return await _answer(uow, query, repos, version, stored)


async def _answer(
    uow: UnitOfWork,
    query: MetricsQuery,
    repos: list[Repo],
    version: str,
    stored: Snapshot | None,
) -> dict[str, Any]:
    """Return the stored answer while it is of this version, else compute it."""
    if stored is not None and stored.data_version == version:
        return stored.answer
    answer = await compute(uow, query, repos)
    key = snapshot_key(query)
    await uow.snapshots.put(Snapshot(key, version, answer, datetime.now(UTC)))
    return answer


async def ping(uow: UnitOfWork) -> None:
    """Check that the storage answers."""
    async with uow:
        await uow.ping()


async def compute(
    uow: UnitOfWork, query: MetricsQuery, repos: list[Repo]
) -> dict[str, Any]:
    began = time.perf_counter()
    await attribute_all(uow, repos)
    ids = [repo.id for repo in repos]
    window, environment = query.window, query.environment
    days = await uow.deployments.day_tallies(ids, environment, window)
    lead_times = await uow.changes.lead_time_figures(
        ids, environment, window, query.granularity, query.lead_time_from
    )
    figures = figures_of(window, query.granularity, days, lead_times)
    reliability, _ = await failures.reliability(uow, query, ids)
    logger.info(
        "computed %s %s %s..%s: %d deployments, %d changes in %.1f ms",
        query.scope.type.value,
        query.scope.path,
        window.start,
        window.end,
        figures.deployment_frequency,
        figures.lead_time.changes,
        (time.perf_counter() - began) * 1000,
    )
    days_per_period = DeploymentDays.of(window, local_days(window, days))
    return render(query, figures, datetime.now(UTC), reliability, days_per_period)


def snapshot_key(query: MetricsQuery) -> SnapshotKey:
    return SnapshotKey(
        scope=query.scope,
        period_start=query.window.start.isoformat(),
        period_end=query.window.end.isoformat(),
        environment=query.environment,
        granularity=query.granularity.value,
        tz=query.tz_name,
        lead_time_from=query.lead_time_from.value,
    )
