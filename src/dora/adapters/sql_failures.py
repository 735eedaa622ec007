"""The indexed reads of the failure rules over SQL, for a scope's repos at once.

Each read names a batch of repos in one statement and groups the rows by repo.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from dora.adapters.sql_chain_reads import (
    COLUMNS,
    DEPLOYMENTS,
    around,
    deployment,
    deployments_of,
)
from dora.adapters.sql_support import batch_size, batches, by_repo, table, wants
from dora.adapters.sql_tables import CommitRow, DeploymentRow, ShippedChangeRow
from dora.adapters.sql_window_evidence import window_deployments
from dora.domain.failures import ChainKey
from dora.domain.model import Deployment, Status
from dora.ports.failures import IdsByRepo, Lineage, WindowDeployments
from dora.ports.repositories import TimeRange

SHIPPED = table(ShippedChangeRow)


class SqlFailureEvidenceReader:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def chains_around(
        self, repo_ids: Sequence[int], environment: str, during: TimeRange
    ) -> dict[int, list[Deployment]]:
        found: dict[int, list[Deployment]] = {}
        for batch in batches(repo_ids, columns=1):
            # One round trip, ordered by the database: in chain order by repo.
            parts = around(batch, environment, during)
            union = union_all(*(select(part.subquery()) for part in parts)).subquery()
            query = select(union).order_by(
                union.c.repo_id, union.c.finished_at, union.c.id
            )
            for repo_id, *row in await self.session.execute(query):
                found.setdefault(repo_id, []).append(deployment(row))
        return found

    async def around(
        self,
        repo_ids: Sequence[int],
        environment: str,
        window: TimeRange,
        reach: TimeRange,
    ) -> WindowDeployments:
        return await window_deployments(
            self.session, repo_ids, environment, window, reach
        )

    async def naming(self, wanted: IdsByRepo) -> dict[int, list[Deployment]]:
        kept = wants(wanted)
        found: dict[int, list[Deployment]] = {}
        for repo_ids, ids in by_repo(wanted):
            query = deployments_of(repo_ids).where(_remediating(ids))
            for repo_id, *row in await self.session.execute(query):
                remedy = deployment(row)
                if (repo_id, remedy.remediates) in kept:
                    found.setdefault(repo_id, []).append(remedy)
        return found

    async def by_ids(self, wanted: IdsByRepo) -> dict[int, list[Deployment]]:
        # By (repo, id) pairs: ids repeat from repo to repo, and naming the
        # repos and the ids apart would read every repo's deployment of each.
        key = tuple_(DEPLOYMENTS.c.repo_id, DEPLOYMENTS.c.external_id)
        found: dict[int, list[Deployment]] = {}
        for pairs in batches(sorted(wants(wanted)), columns=2):
            query = select(DEPLOYMENTS.c.repo_id, *COLUMNS).where(key.in_(pairs))
            for repo_id, *row in await self.session.execute(query):
                found.setdefault(repo_id, []).append(deployment(row))
        return found

    async def failed_attempts(
        self, repo_ids: Sequence[int], environment: str, during: TimeRange
    ) -> list[datetime]:
        found: list[datetime] = []
        for batch in batches(repo_ids, columns=1):
            query = select(DeploymentRow.finished_at).where(
                DeploymentRow.repo_id.in_(batch),
                DeploymentRow.environment == environment,
                DeploymentRow.status == Status.FAILURE.value,
                DeploymentRow.finished_at >= during.start,
                DeploymentRow.finished_at < during.end,
            )
            found += [at for at in await self.session.scalars(query) if at]
        return found

    async def returns(
        self, repo_ids: Sequence[int], environment: str, during: TimeRange
    ) -> dict[int, dict[str, ChainKey]]:
        idle: list[tuple[int, str, str]] = []
        for batch in batches(repo_ids, columns=1):
            query = _idle(batch, environment, during)
            idle += [
                (r, member, sha) for r, member, sha in await self.session.execute(query)
            ]
        if not idle:
            return {}
        shas: dict[int, list[str]] = {}
        for repo_id, _, sha in idle:
            shas.setdefault(repo_id, []).append(sha)
        first = await self.first_shipped(environment, shas)
        returned: dict[int, dict[str, ChainKey]] = {}
        for repo_id, member, sha in idle:
            if (repo_id, sha) in first:
                returned.setdefault(repo_id, {})[member] = first[repo_id, sha]
        return returned

    async def first_shipped(
        self, environment: str, wanted: IdsByRepo
    ) -> dict[tuple[int, str], ChainKey]:
        kept = wants(wanted)
        found: dict[tuple[int, str], ChainKey] = {}
        for repo_ids, all_shas in by_repo(wanted):
            for shas in batches(all_shas, columns=2):
                query = select(
                    SHIPPED.c.repo_id,
                    SHIPPED.c.sha,
                    SHIPPED.c.finished_at,
                    SHIPPED.c.deployment_pk,
                ).where(
                    SHIPPED.c.repo_id.in_(repo_ids),
                    SHIPPED.c.environment == environment,
                    SHIPPED.c.sha.in_(shas),
                )
                for repo_id, sha, finished_at, seq in await self.session.execute(query):
                    if (repo_id, sha) in kept:
                        found[repo_id, sha] = (finished_at, seq)
        return found

    async def lineage_shipped(
        self, repo_id: int, environment: str, since: ChainKey, until: ChainKey
    ) -> dict[str, Lineage]:
        # The index on (repo, environment, finished_at) narrows by time; the
        # few rows at either end instant are sorted out by sequence here.
        query = (
            select(
                CommitRow.sha,
                CommitRow.parents,
                ShippedChangeRow.finished_at,
                ShippedChangeRow.deployment_pk,
            )
            .join(
                CommitRow,
                and_(
                    CommitRow.repo_id == ShippedChangeRow.repo_id,
                    CommitRow.sha == ShippedChangeRow.sha,
                ),
            )
            .where(
                ShippedChangeRow.repo_id == repo_id,
                ShippedChangeRow.environment == environment,
                ShippedChangeRow.finished_at.between(since[0], until[0]),
            )
        )
        found: dict[str, Lineage] = {}
        for sha, parents, finished_at, seq in await self.session.execute(query):
            if since <= (finished_at, seq) <= until:
                found[sha] = Lineage(tuple(parents.split()), (finished_at, seq))
        return found


def _remediating(ids: Sequence[str]) -> ColumnElement[bool]:
    # Asked about more ids than a statement holds (a long window), read every
    # deployment naming another and keep the wanted ones: such deployments
    # are few, and one read beats a statement per batch of ids.
    if len(ids) > batch_size(columns=2):
        return DEPLOYMENTS.c.remediates.is_not(None)
    return DEPLOYMENTS.c.remediates.in_(ids)


def _idle(repo_ids: Sequence[int], environment: str, during: TimeRange) -> Select[Any]:
    """Return the chain members in range that shipped no change of their own."""
    # A member whose sha was shipped before ships nothing itself, so the
    # members that shipped nothing are the few to look up. Both sides of
    # that anti-join are read by finish time, through their indexes: a
    # member's changes carry its own finish time, so each probe reads its
    # changes only, not every change of the range.
    shipped_some = exists().where(
        SHIPPED.c.repo_id == DEPLOYMENTS.c.repo_id,
        SHIPPED.c.environment == environment,
        SHIPPED.c.finished_at == DEPLOYMENTS.c.finished_at,
        SHIPPED.c.deployment_pk == DEPLOYMENTS.c.id,
    )
    return select(
        DEPLOYMENTS.c.repo_id, DEPLOYMENTS.c.external_id, DEPLOYMENTS.c.sha
    ).where(
        DEPLOYMENTS.c.repo_id.in_(repo_ids),
        DEPLOYMENTS.c.environment == environment,
        DEPLOYMENTS.c.status == Status.SUCCESS.value,
        DEPLOYMENTS.c.finished_at >= during.start,
        DEPLOYMENTS.c.finished_at < during.end,
        ~shipped_some,
    )
