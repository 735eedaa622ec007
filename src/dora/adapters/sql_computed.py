"""The computed tables over SQL: shipped changes and metrics snapshots."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from dora.adapters.sql_aggregates import aggregates_in_sql, lead_time_figures
from dora.adapters.sql_snapshot_reads import (
    SLUGS,
    current_snapshot,
    key_fields,
    read_alone,
    snapshot_upsert,
    stored_text,
)
from dora.adapters.sql_support import batches, table
from dora.adapters.sql_tables import (
    DeploymentRow,
    ShippedChangeRow,
    SnapshotRow,
)
from dora.domain import lead_times
from dora.domain.lead_times import LeadTimes
from dora.domain.metrics import Change, LeadTimeFrom
from dora.domain.model import ShippedChange
from dora.domain.window import Granularity, Window
from dora.ports.repositories import (
    ScopeVersion,
    Snapshot,
    SnapshotKey,
    StoredAnswer,
    TimeRange,
)

MS_PER_HOUR = 3_600_000


class SqlShippedChangeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replace(self, repo_id: int, changes: Sequence[ShippedChange]) -> None:
        await self.session.execute(
            delete(ShippedChangeRow).where(ShippedChangeRow.repo_id == repo_id)
        )
        if not changes:
            return

        query = select(DeploymentRow.external_id, DeploymentRow.id).where(
            DeploymentRow.repo_id == repo_id
        )
        pks = {external_id: pk for external_id, pk in await self.session.execute(query)}
        rows = [_change_row(repo_id, change, pks) for change in changes]
        for batch in batches(rows, columns=8):
            await self.session.execute(insert(table(ShippedChangeRow)), batch)

    async def lead_times(
        self,
        repo_ids: Sequence[int],
        environment: str,
        during: TimeRange,
        start: LeadTimeFrom,
    ) -> list[Change]:
        began = (
            ShippedChangeRow.authored_at
            if start is LeadTimeFrom.AUTHORED
            else ShippedChangeRow.committed_at
        )
        changes: list[Change] = []
        for ids in batches(repo_ids, columns=1):
            query = select(ShippedChangeRow.finished_at, began).where(
                ShippedChangeRow.repo_id.in_(ids),
                ShippedChangeRow.environment == environment,
                ShippedChangeRow.counted.is_(True),
                ShippedChangeRow.finished_at >= during.start,
                ShippedChangeRow.finished_at < during.end,
            )
            result = await self.session.execute(query)
            changes.extend(Change.between(*row) for row in result)
        return changes

    async def lead_time_figures(
        self,
        repo_ids: Sequence[int],
        environment: str,
        window: Window,
        granularity: Granularity,
        start: LeadTimeFrom,
    ) -> LeadTimes:
        if aggregates_in_sql(self.session):
            return await lead_time_figures(
                self.session, repo_ids, environment, window, granularity, start
            )
        during = TimeRange(*window.bounds())
        changes = await self.lead_times(repo_ids, environment, during, start)
        return lead_times.summarize(window, granularity, changes)

    async def of_deployments(
        self, repo_id: int, deployment_ids: Sequence[str]
    ) -> list[ShippedChange]:
        changes: list[ShippedChange] = []
        for ids in batches(deployment_ids, columns=1):
            query = _shipped(repo_id).where(DeploymentRow.external_id.in_(ids))
            changes.extend(_change(*row) for row in await self.session.execute(query))
        return changes

    async def of_commit(self, repo_id: int, sha: str) -> list[ShippedChange]:
        query = _shipped(repo_id).where(ShippedChangeRow.sha == sha)
        return [_change(*row) for row in await self.session.execute(query)]


def _shipped(
    repo_id: int,
) -> Select[str, str, str, datetime, datetime, datetime, bool]:
    return (
        select(
            ShippedChangeRow.sha,
            ShippedChangeRow.environment,
            DeploymentRow.external_id,
            ShippedChangeRow.finished_at,
            ShippedChangeRow.committed_at,
            ShippedChangeRow.authored_at,
            ShippedChangeRow.counted,
        )
        .join(DeploymentRow, ShippedChangeRow.deployment_pk == DeploymentRow.id)
        .where(ShippedChangeRow.repo_id == repo_id)
        .order_by(
            ShippedChangeRow.environment,
            ShippedChangeRow.finished_at,
            ShippedChangeRow.deployment_pk,
            ShippedChangeRow.sha,
        )
    )


def _change(
    sha: str,
    environment: str,
    deployment_id: str,
    finished_at: datetime,
    committed_at: datetime,
    authored_at: datetime,
    counted: bool,
) -> ShippedChange:
    return ShippedChange(
        sha,
        environment,
        deployment_id,
        finished_at,
        committed_at,
        authored_at,
        bool(counted),
    )


def _change_row(
    repo_id: int, change: ShippedChange, pks: dict[str, int]
) -> dict[str, Any]:
    return {
        "repo_id": repo_id,
        "environment": change.environment,
        "sha": change.sha,
        "deployment_pk": pks[change.deployment_id],
        "finished_at": change.finished_at,
        "committed_at": change.committed_at,
        "authored_at": change.authored_at,
        "counted": change.counted,
    }


class SqlSnapshotRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: SnapshotKey) -> Snapshot | None:
        query = select(SnapshotRow).filter_by(**key_fields(key))
        row = await self.session.scalar(query)
        if row is None:
            return None
        return Snapshot(key, row.data_version, row.answer, row.created_at)

    async def with_version(
        self, key: SnapshotKey, repo_ids: Sequence[int]
    ) -> tuple[Snapshot | None, ScopeVersion]:
        values = {**key_fields(key), "repo_ids": list(repo_ids)}
        row = (await self.session.execute(current_snapshot(), values)).one()
        repos, total, data_version, answer, created_at = row
        scope = ScopeVersion(repos, int(total))
        if data_version is None:
            return None, scope
        return Snapshot(key, data_version, answer, created_at), scope

    async def stored_text(self, key: SnapshotKey) -> StoredAnswer | None:
        slugs = dict(zip(SLUGS, key.scope.path.split("/"), strict=False))
        statement = stored_text(key.scope.type)
        params = {**key_fields(key), **slugs}
        row = await read_alone(self.session, statement, params)
        if row is None:
            return None
        data_version, text, repos, total = row
        return StoredAnswer(data_version, ScopeVersion(repos, int(total)), text)

    async def put(self, snapshot: Snapshot) -> None:
        key = key_fields(snapshot.key)
        answer = snapshot.answer
        values = {
            "id": uuid.uuid4(),
            **key,
            "deployment_frequency": int(answer.get("deployment_frequency", 0)),
            "lead_time_avg_ms": _milliseconds(answer.get("lead_time_avg_hours")),
            "data_version": snapshot.data_version,
            "answer": answer,
            "created_at": snapshot.computed_at,
        }
        dialect = self.session.get_bind().dialect.name
        await self.session.execute(snapshot_upsert(dialect), values)


def _milliseconds(hours: object) -> int | None:
    if not isinstance(hours, int | float):
        return None
    return round(hours * MS_PER_HOUR)
