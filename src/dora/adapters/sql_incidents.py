"""Incidents over SQL, read for all the repos of a scope at once."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dora.adapters.sql_support import (
    batches,
    conflict_insert,
    table,
)
from dora.adapters.sql_tables import DeploymentRow, IncidentRow
from dora.adapters.sql_window_evidence import (
    counted_within,
    window_parameters,
    window_values,
)
from dora.domain.incidents import Incident
from dora.ports.repositories import TimeRange


class SqlIncidentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert(self, repo_id: int, incident: Incident) -> tuple[Incident, bool]:
        fields = _incident_fields(incident)
        insert = (
            conflict_insert(self.session, IncidentRow)
            .values(repo_id=repo_id, external_id=incident.id, **fields)
            .on_conflict_do_nothing(index_elements=["repo_id", "external_id"])
            .returning(IncidentRow.id)
        )
        if await self.session.scalar(insert) is not None:
            return incident, True

        await self.session.execute(
            update(IncidentRow)
            .where(
                IncidentRow.repo_id == repo_id,
                IncidentRow.external_id == incident.id,
            )
            .values(**fields)
        )
        return incident, False

    async def around(
        self,
        repo_ids: Sequence[int],
        environment: str,
        window: TimeRange,
        reach: TimeRange,
    ) -> dict[int, list[Incident]]:
        found: dict[int, list[Incident]] = {}
        for batch in batches(repo_ids, columns=3):
            values = window_values(batch, environment, window, reach)
            for row in await self.session.scalars(_around(), values):
                found.setdefault(row.repo_id, []).append(_incident(row))
        return found


@functools.cache
def _around() -> Select[IncidentRow]:
    """Build once the read of a window's incidents, its values bound each run.

    The linked ones first, then the unlinked, as the port promises.
    """
    repo_ids, environment, window, reach = window_parameters()
    return (
        select(IncidentRow)
        .where(
            IncidentRow.repo_id.in_(repo_ids),
            or_(
                _linked(repo_ids, environment, window),
                _unlinked(environment, reach),
            ),
        )
        .order_by(
            IncidentRow.deployment_id.is_(None), IncidentRow.started_at, IncidentRow.id
        )
    )


def _unlinked(environment: str, during: TimeRange) -> ColumnElement[bool]:
    return and_(
        IncidentRow.deployment_id.is_(None),
        IncidentRow.environment == environment,
        IncidentRow.started_at >= during.start,
        IncidentRow.started_at < during.end,
    )


def _linked(
    repo_ids: Sequence[int], environment: str, window: TimeRange
) -> ColumnElement[bool]:
    """Whether an incident names a counted chain member finished in the window.

    An uncorrelated subquery: read once from the window's few members.
    """
    judged = table(DeploymentRow).alias("judged")
    named = table(IncidentRow).alias("named")
    linked = (
        select(named.c.id)
        .join(
            judged,
            and_(
                judged.c.repo_id == named.c.repo_id,
                judged.c.external_id == named.c.deployment_id,
            ),
        )
        .where(
            named.c.repo_id.in_(repo_ids),
            *counted_within(judged, environment, window),
        )
    )
    return IncidentRow.id.in_(linked)


def _incident_fields(incident: Incident) -> dict[str, Any]:
    return {
        "environment": incident.environment,
        "started_at": incident.started_at,
        "resolved_at": incident.resolved_at,
        "deployment_id": incident.deployment_id,
    }


def _incident(row: IncidentRow) -> Incident:
    return Incident(
        id=row.external_id,
        started_at=row.started_at,
        environment=row.environment,
        resolved_at=row.resolved_at,
        deployment_id=row.deployment_id,
    )
