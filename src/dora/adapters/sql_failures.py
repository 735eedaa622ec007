"""Incidents, and the indexed reads of the failure rules, over SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from dora.adapters.sql_support import MAX_ROWS, batches, conflict_insert, table
from dora.adapters.sql_tables import (
    CommitRow,
    DeploymentRow,
    IncidentRow,
    ShippedChangeRow,
)
from dora.domain.failures import ChainKey, chain_position
from dora.domain.incidents import Incident
from dora.domain.model import Deployment, Status
from dora.ports.failures import Lineage
from dora.ports.repositories import TimeRange

DEPLOYMENTS = table(DeploymentRow)
SHIPPED = table(ShippedChangeRow)


# Asked about more ids than one statement holds (a long window), the reads
# below fetch every row naming any deployment and keep the wanted ones: such
# rows are few, and one read beats a statement per thousand ids.


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

    async def linked_to(
        self, repo_id: int, deployment_ids: Sequence[str]
    ) -> list[Incident]:
        if len(deployment_ids) > MAX_ROWS:
            wanted = set(deployment_ids)
            query = _incidents(repo_id).where(IncidentRow.deployment_id.is_not(None))
            linked = map(_incident, await self.session.scalars(query))
            return [i for i in linked if i.deployment_id in wanted]
        found: list[Incident] = []
        for ids in batches(deployment_ids, columns=1):
            query = _incidents(repo_id).where(IncidentRow.deployment_id.in_(ids))
            found.extend(_incident(row) for row in await self.session.scalars(query))
        return found

    async def unlinked(
        self, repo_id: int, environment: str, during: TimeRange
    ) -> list[Incident]:
        query = _incidents(repo_id).where(
            IncidentRow.deployment_id.is_(None),
            IncidentRow.environment == environment,
            IncidentRow.started_at >= during.start,
            IncidentRow.started_at < during.end,
        )
        return [_incident(row) for row in await self.session.scalars(query)]


def _incidents(repo_id: int) -> Select[IncidentRow]:
    return (
        select(IncidentRow)
        .where(IncidentRow.repo_id == repo_id)
        .order_by(IncidentRow.started_at, IncidentRow.id)
    )


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


class SqlFailureEvidenceReader:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def chain_around(
        self, repo_id: int, environment: str, during: TimeRange
    ) -> list[Deployment]:
        chain = _chain(repo_id, environment)
        inside = chain.where(
            DEPLOYMENTS.c.finished_at >= during.start,
            DEPLOYMENTS.c.finished_at < during.end,
        )
        before = (
            chain.where(DEPLOYMENTS.c.finished_at < during.start)
            .order_by(DEPLOYMENTS.c.finished_at.desc(), DEPLOYMENTS.c.id.desc())
            .limit(1)
        )
        after = (
            chain.where(DEPLOYMENTS.c.finished_at >= during.end)
            .order_by(DEPLOYMENTS.c.finished_at, DEPLOYMENTS.c.id)
            .limit(1)
        )
        # One round trip; the parts cover disjoint times, so sorting the
        # rows restores the chain's order whatever order the union gives.
        query = union_all(
            *(select(part.subquery()) for part in (before, inside, after))
        )
        members = [_deployment(row) for row in await self.session.execute(query)]
        return sorted(members, key=chain_position)

    async def naming(
        self, repo_id: int, deployment_ids: Sequence[str]
    ) -> list[Deployment]:
        if len(deployment_ids) > MAX_ROWS:
            wanted = set(deployment_ids)
            query = _deployments(repo_id).where(DEPLOYMENTS.c.remediates.is_not(None))
            naming = map(_deployment, await self.session.execute(query))
            return [d for d in naming if d.remediates in wanted]
        found: list[Deployment] = []
        for ids in batches(deployment_ids, columns=1):
            query = _deployments(repo_id).where(DEPLOYMENTS.c.remediates.in_(ids))
            found.extend(_deployment(row) for row in await self.session.execute(query))
        return found

    async def by_ids(
        self, repo_id: int, deployment_ids: Sequence[str]
    ) -> list[Deployment]:
        found: list[Deployment] = []
        for ids in batches(list(dict.fromkeys(deployment_ids)), columns=1):
            query = _deployments(repo_id).where(DEPLOYMENTS.c.external_id.in_(ids))
            found.extend(_deployment(row) for row in await self.session.execute(query))
        return found

    async def failed_attempts(
        self, repo_id: int, environment: str, during: TimeRange
    ) -> list[datetime]:
        query = select(DeploymentRow.finished_at).where(
            DeploymentRow.repo_id == repo_id,
            DeploymentRow.environment == environment,
            DeploymentRow.status == Status.FAILURE.value,
            DeploymentRow.finished_at >= during.start,
            DeploymentRow.finished_at < during.end,
        )
        return [at for at in await self.session.scalars(query) if at is not None]

    async def returns(
        self, repo_id: int, environment: str, during: TimeRange
    ) -> dict[str, ChainKey]:
        # A member whose sha was shipped before ships nothing itself, so the
        # members that shipped nothing are the few to look up. Both sides of
        # that anti-join are read by finish time, through their indexes.
        shipped_some = exists().where(
            SHIPPED.c.repo_id == repo_id,
            SHIPPED.c.environment == environment,
            SHIPPED.c.finished_at >= during.start,
            SHIPPED.c.finished_at < during.end,
            SHIPPED.c.deployment_pk == DEPLOYMENTS.c.id,
        )
        query = select(DEPLOYMENTS.c.external_id, DEPLOYMENTS.c.sha).where(
            DEPLOYMENTS.c.repo_id == repo_id,
            DEPLOYMENTS.c.environment == environment,
            DEPLOYMENTS.c.status == Status.SUCCESS.value,
            DEPLOYMENTS.c.finished_at >= during.start,
            DEPLOYMENTS.c.finished_at < during.end,
            ~shipped_some,
        )
        idle = list(await self.session.execute(query))
        if not idle:
            return {}
        first = await self._first_shipments(repo_id, environment, [s for _, s in idle])
        return {member: first[sha] for member, sha in idle if sha in first}

    async def _first_shipments(
        self, repo_id: int, environment: str, shas: Sequence[str]
    ) -> dict[str, ChainKey]:
        found: dict[str, ChainKey] = {}
        for batch in batches(list(dict.fromkeys(shas)), columns=1):
            query = select(
                SHIPPED.c.sha, SHIPPED.c.finished_at, SHIPPED.c.deployment_pk
            ).where(
                SHIPPED.c.repo_id == repo_id,
                SHIPPED.c.environment == environment,
                SHIPPED.c.sha.in_(batch),
            )
            for sha, finished_at, seq in await self.session.execute(query):
                found[sha] = (finished_at, seq)
        return found

    async def lineage(
        self, repo_id: int, environment: str, shas: Sequence[str]
    ) -> dict[str, Lineage]:
        shipped = and_(
            ShippedChangeRow.repo_id == CommitRow.repo_id,
            ShippedChangeRow.sha == CommitRow.sha,
            ShippedChangeRow.environment == environment,
        )
        found: dict[str, Lineage] = {}
        for batch in batches(list(dict.fromkeys(shas)), columns=1):
            query = (
                select(
                    CommitRow.sha,
                    CommitRow.parents,
                    ShippedChangeRow.finished_at,
                    ShippedChangeRow.deployment_pk,
                )
                .outerjoin(ShippedChangeRow, shipped)
                .where(CommitRow.repo_id == repo_id, CommitRow.sha.in_(batch))
            )
            for sha, parents, finished_at, seq in await self.session.execute(query):
                position = None if seq is None else (finished_at, seq)
                found[sha] = Lineage(tuple(parents.split()), position)
        return found


# What a deployment is read from, in the order `_deployment` unpacks it:
# by position, as a long window reads thousands of them.
COLUMNS = (
    DEPLOYMENTS.c.external_id,
    DEPLOYMENTS.c.sha,
    DEPLOYMENTS.c.environment,
    DEPLOYMENTS.c.status,
    DEPLOYMENTS.c.finished_at,
    DEPLOYMENTS.c.started_at,
    DEPLOYMENTS.c.baseline,
    DEPLOYMENTS.c.id,
    DEPLOYMENTS.c.url,
    DEPLOYMENTS.c.remediates,
)


def _deployments(repo_id: int) -> Select[Any]:
    return select(*COLUMNS).where(DEPLOYMENTS.c.repo_id == repo_id)


def _chain(repo_id: int, environment: str) -> Select[Any]:
    return _deployments(repo_id).where(
        DEPLOYMENTS.c.environment == environment,
        DEPLOYMENTS.c.status == Status.SUCCESS.value,
        DEPLOYMENTS.c.finished_at.is_not(None),
    )


def _deployment(row: Any) -> Deployment:
    (
        external_id,
        sha,
        environment,
        status,
        finished_at,
        started_at,
        baseline,
        seq,
        url,
        remediates,
    ) = row
    return Deployment(
        id=external_id,
        sha=sha,
        environment=environment,
        status=Status(status),
        finished_at=finished_at,
        started_at=started_at,
        baseline=baseline,
        seq=seq,
        url=url,
        remediates=remediates,
    )
