"""Incremental attribution state over SQL: chain positions, gaps, look-ups.

Positions compare as (finish time, deployment id). Every range condition
repeats the finish-time bound alone so the (repo, environment, finished_at)
indexes serve it on both databases.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from dora.adapters.sql_bulk import deployment_of_row
from dora.adapters.sql_copy import copies, copy_into, loaded
from dora.adapters.sql_support import batches, conflict_insert, table
from dora.adapters.sql_tables import (
    AttributionChainRow,
    AttributionGapRow,
    CommitRow,
    DeploymentRow,
    ShippedChangeRow,
)
from dora.domain.chains import ChainPosition, Shipment
from dora.domain.model import Commit, Deployment, Status
from dora.ports.attribution import Found

CHAINS = table(AttributionChainRow)
GAPS = table(AttributionGapRow)
SHIPPED = table(ShippedChangeRow)
COMMITS = table(CommitRow)
DEPLOYMENTS = table(DeploymentRow)


class SqlAttributionStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def chains(self, repo_id: int) -> dict[str, ChainPosition | None]:
        query = select(
            CHAINS.c.environment, CHAINS.c.attributed_at, CHAINS.c.attributed_seq
        ).where(CHAINS.c.repo_id == repo_id)
        return {
            environment: None if at is None else ChainPosition(at, seq)
            for environment, at, seq in await self.session.execute(query)
        }

    async def invalidate(self, repo_id: int, stale: dict[str, ChainPosition]) -> None:
        for environment, position in sorted(stale.items()):
            await self._invalidate(repo_id, environment, position)

    async def _invalidate(
        self, repo_id: int, environment: str, position: ChainPosition
    ) -> None:
        statement = conflict_insert(self.session, AttributionChainRow).values(
            repo_id=repo_id, environment=environment
        )
        # At or after the stale position means after the one just before it.
        reached = _after(
            CHAINS.c.attributed_at, CHAINS.c.attributed_seq, position.just_before()
        )
        before = position.just_before()
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["repo_id", "environment"],
                set_={
                    "attributed_at": case(
                        (reached, before.finished_at), else_=CHAINS.c.attributed_at
                    ),
                    "attributed_seq": case(
                        (reached, before.seq), else_=CHAINS.c.attributed_seq
                    ),
                },
            )
        )

    async def fill_gaps(self, repo_id: int, shas: Sequence[str]) -> None:
        any_gap = select(GAPS.c.sha).where(GAPS.c.repo_id == repo_id).limit(1)
        if await self.session.scalar(any_gap) is None:
            return
        stale: dict[str, ChainPosition] = {}
        for batch in batches(shas, columns=1):
            query = select(GAPS.c.environment, GAPS.c.finished_at, GAPS.c.seq).where(
                GAPS.c.repo_id == repo_id, GAPS.c.sha.in_(batch)
            )
            for environment, at, seq in await self.session.execute(query):
                here = ChainPosition(at, seq)
                known = stale.get(environment)
                stale[environment] = here if known is None else min(known, here)
        await self.invalidate(repo_id, stale)

    async def discard_after(
        self, repo_id: int, environment: str, attributed: ChainPosition | None
    ) -> None:
        await self.session.execute(
            delete(SHIPPED).where(
                SHIPPED.c.repo_id == repo_id,
                SHIPPED.c.environment == environment,
                _after(SHIPPED.c.finished_at, SHIPPED.c.deployment_pk, attributed),
            )
        )
        await self.session.execute(
            delete(GAPS).where(
                GAPS.c.repo_id == repo_id,
                GAPS.c.environment == environment,
                _after(GAPS.c.finished_at, GAPS.c.seq, attributed),
            )
        )

    async def pending(
        self, repo_id: int, environment: str, attributed: ChainPosition | None
    ) -> list[Deployment]:
        query = (
            select(DEPLOYMENTS)
            .where(*_members_after(repo_id, environment, attributed))
            .order_by(DEPLOYMENTS.c.finished_at, DEPLOYMENTS.c.id)
        )
        return [deployment_of_row(row) for row in await self.session.execute(query)]

    async def count_pending(
        self, repo_id: int, environment: str, attributed: ChainPosition | None
    ) -> int:
        query = select(func.count()).where(
            *_members_after(repo_id, environment, attributed)
        )
        return int(await self.session.scalar(query) or 0)

    async def look_up(self, repo_id: int, environment: str, shas: set[str]) -> Found:
        shipped = (
            exists()
            .where(
                SHIPPED.c.repo_id == repo_id,
                SHIPPED.c.environment == environment,
                SHIPPED.c.sha == COMMITS.c.sha,
            )
            .label("shipped")
        )
        columns = (
            COMMITS.c.sha,
            COMMITS.c.parents,
            COMMITS.c.committed_at,
            COMMITS.c.authored_at,
            shipped,
        )
        found = Found({}, set())
        for batch in batches(sorted(shas), columns=1):
            query = select(*columns).where(
                COMMITS.c.repo_id == repo_id, COMMITS.c.sha.in_(batch)
            )
            for (
                sha,
                parents,
                committed_at,
                authored_at,
                is_shipped,
            ) in await self.session.execute(query):
                found.commits[sha] = Commit(
                    sha, tuple(parents.split()), committed_at, authored_at
                )
                if is_shipped:
                    found.shipped.add(sha)
        return found

    async def shipped(self, repo_id: int, environment: str) -> set[str]:
        query = select(SHIPPED.c.sha).where(
            SHIPPED.c.repo_id == repo_id, SHIPPED.c.environment == environment
        )
        return set(await self.session.scalars(query))

    async def record(
        self, repo_id: int, environment: str, shipments: Sequence[Shipment]
    ) -> None:
        if not shipments:
            return
        changes = _change_rows(repo_id, shipments)
        if copies(self.session, sum(len(s.commits) for s in shipments)):
            # Stale rows were discarded first: nothing can conflict.
            table = "shipped_changes"
            sent = await copy_into(self.session, table, CHANGE_COLUMNS, changes)
            loaded(self.session, table, sent)
        else:
            rows = [
                dict(zip(CHANGE_COLUMNS, change, strict=True)) for change in changes
            ]
            for batch in batches(rows, columns=len(CHANGE_COLUMNS)):
                await self.session.execute(insert(SHIPPED), batch)
        gaps = [_gap_row(repo_id, s, sha) for s in shipments for sha in s.missing]
        for batch in batches(gaps, columns=5):
            # The earliest walk to stop at a sha is the one to redo from.
            await self.session.execute(
                conflict_insert(self.session, AttributionGapRow).on_conflict_do_nothing(
                    index_elements=["repo_id", "environment", "sha"]
                ),
                batch,
            )
        last = shipments[-1].position
        await self.session.execute(
            update(CHAINS)
            .where(CHAINS.c.repo_id == repo_id, CHAINS.c.environment == environment)
            .values(attributed_at=last.finished_at, attributed_seq=last.seq)
        )


def _members_after(
    repo_id: int, environment: str, attributed: ChainPosition | None
) -> tuple[ColumnElement[bool], ...]:
    return (
        DEPLOYMENTS.c.repo_id == repo_id,
        DEPLOYMENTS.c.environment == environment,
        DEPLOYMENTS.c.status == Status.SUCCESS.value,
        DEPLOYMENTS.c.finished_at.is_not(None),
        _after(DEPLOYMENTS.c.finished_at, DEPLOYMENTS.c.id, attributed),
    )


def _after(
    finished_at: Any, seq: Any, attributed: ChainPosition | None
) -> ColumnElement[bool]:
    """Select positions strictly after `attributed` (all when it is `None`)."""
    if attributed is None:
        return and_(True)
    at, number = attributed.finished_at, attributed.seq
    return and_(
        finished_at >= at,
        or_(finished_at > at, seq > number),
    )


CHANGE_COLUMNS = (
    "repo_id",
    "environment",
    "sha",
    "deployment_pk",
    "finished_at",
    "committed_at",
    "authored_at",
    "counted",
)


def _change_rows(
    repo_id: int, shipments: Sequence[Shipment]
) -> Iterator[tuple[Any, ...]]:
    """Yield the rows of the changes shipped, valued as `CHANGE_COLUMNS` says."""
    for shipment in shipments:
        d = shipment.deployment
        yield from (
            (
                repo_id,
                d.environment,
                c.sha,
                d.seq,
                d.finished_at,
                c.committed_at,
                c.authored_at,
                not d.baseline,
            )
            for c in shipment.commits
        )


def _gap_row(repo_id: int, shipment: Shipment, sha: str) -> dict[str, Any]:
    return {
        "repo_id": repo_id,
        "environment": shipment.deployment.environment,
        "sha": sha,
        "finished_at": shipment.deployment.finished_at,
        "seq": shipment.deployment.seq,
    }
