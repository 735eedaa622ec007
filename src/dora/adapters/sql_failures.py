"""The indexed reads of the failure rules over SQL, for a scope's repos at once.

Each read names a batch of repos in one statement and groups the rows by repo.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from dora.adapters.sql_chain_reads import (
    COLUMNS,
    DEPLOYMENTS,
    deployment,
)
from dora.adapters.sql_support import batches, by_repo, table, wants
from dora.adapters.sql_tables import CommitRow, ShippedChangeRow
from dora.adapters.sql_window_evidence import window_deployments
from dora.domain.failures import ChainKey
from dora.domain.model import Deployment
from dora.ports.failures import IdsByRepo, Lineage, WindowDeployments
from dora.ports.repositories import TimeRange

SHIPPED = table(ShippedChangeRow)


class SqlFailureEvidenceReader:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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
