"""Bulk upsert of deployments: a few statements for thousands of rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dora.adapters.sql_copy import copies, copy_into, loaded
from dora.adapters.sql_support import batch_size, batches, table
from dora.adapters.sql_tables import DeploymentRow
from dora.domain.model import Deployment, Status

DEPLOYMENTS = table(DeploymentRow)


async def upsert_deployments(
    session: AsyncSession, repo_id: int, deployments: Sequence[Deployment]
) -> list[tuple[Deployment | None, Deployment]]:
    """Insert the new deployments in order and update the changed ones.

    The caller holds the repo's lock, so no other writer can insert one of
    these ids between the look-up and the insert.
    """
    latest: dict[str, Deployment] = {}
    for deployment in deployments:
        latest[deployment.id] = deployment
    stored = await _stored(session, repo_id, list(latest))

    fresh = [d for d in latest.values() if d.id not in stored]
    seqs = await _insert(session, repo_id, fresh)
    changed = [
        _numbered(d, stored[d.id].seq)
        for d in latest.values()
        if d.id in stored and _differs(stored[d.id], d)
    ]
    await _update(session, repo_id, changed)

    now = {d.id: d for d in changed}
    for d in fresh:
        now[d.id] = _numbered(d, seqs[d.id])
    # The rest are stored as they are.
    return [(stored.get(d.id), now.get(d.id) or stored[d.id]) for d in latest.values()]


async def _stored(
    session: AsyncSession, repo_id: int, ids: Sequence[str]
) -> dict[str, Deployment]:
    found: dict[str, Deployment] = {}
    # One probe spares a new repo's import a look-up per batch of ids.
    if len(ids) > batch_size(columns=1) and not await _any_stored(session, repo_id):
        return found
    for batch in batches(ids, columns=1):
        query = select(DEPLOYMENTS).where(
            DEPLOYMENTS.c.repo_id == repo_id, DEPLOYMENTS.c.external_id.in_(batch)
        )
        for row in await session.execute(query):
            found[row.external_id] = deployment_of_row(row)
    return found


async def _any_stored(session: AsyncSession, repo_id: int) -> bool:
    """Whether the repo has a deployment: an import into a new repo has none."""
    query = select(DEPLOYMENTS.c.id).where(DEPLOYMENTS.c.repo_id == repo_id).limit(1)
    return await session.scalar(query) is not None


async def _insert(
    session: AsyncSession, repo_id: int, fresh: Sequence[Deployment]
) -> dict[str, int]:
    if not fresh:
        return {}
    # Ordered by parameter, ids are handed out in the order received.
    statement = insert(DEPLOYMENTS).returning(
        DEPLOYMENTS.c.external_id, DEPLOYMENTS.c.id, sort_by_parameter_order=True
    )
    if copies(session, len(fresh)):
        return await _insert_by_copy(session, repo_id, fresh)
    seqs: dict[str, int] = {}
    # One parameter more per row than columns, as the statement was counted
    # before: room for a sentinel the insert may add to keep the order.
    for batch in batches(fresh, columns=len(COLUMNS) + 1):
        values = [dict(zip(COLUMNS, _row(repo_id, d), strict=True)) for d in batch]
        result = await session.execute(statement, values)
        seqs.update({external_id: seq for external_id, seq in result})
    return seqs


async def _insert_by_copy(
    session: AsyncSession, repo_id: int, fresh: Sequence[Deployment]
) -> dict[str, int]:
    # Ids drawn in ascending order (as one array: a row per id costs more to
    # read) are handed out in the order received. No other writer can insert
    # these external ids (the caller holds the repo's lock), so the rows go
    # straight into the table: no staging.
    connection = await session.connection()
    result = await connection.exec_driver_sql(
        "SELECT array_agg(id ORDER BY id) FROM (SELECT nextval("
        "pg_get_serial_sequence('deployments', 'id')) AS id "
        f"FROM generate_series(1, {len(fresh):d})) AS drawn"
    )
    ids: list[int] = result.scalar_one()
    # Built as they are sent: the rows are never all held at once.
    rows = ((seq, *_row(repo_id, d)) for seq, d in zip(ids, fresh, strict=True))
    sent = await copy_into(session, "deployments", ("id", *COLUMNS), rows)
    loaded(session, "deployments", sent)
    return {d.id: seq for seq, d in zip(ids, fresh, strict=True)}


async def _update(
    session: AsyncSession, repo_id: int, changed: Sequence[Deployment]
) -> None:
    if not changed:
        return
    statement = (
        update(DEPLOYMENTS)
        .where(DEPLOYMENTS.c.id == bindparam("seq"))
        .values({name: bindparam(f"new_{name}") for name in VALUES})
    )
    rows = [
        {"seq": d.seq, **{f"new_{k}": v for k, v in deployment_values(d).items()}}
        for d in changed
    ]
    connection = await session.connection()
    await connection.execute(statement, rows)


def _differs(old: Deployment, new: Deployment) -> bool:
    return any(getattr(old, name) != getattr(new, name) for name in VALUES)


def deployment_values(deployment: Deployment) -> dict[str, Any]:
    """Return, by column, what a report of the deployment sets."""
    return dict(zip(VALUES, _values(deployment), strict=True))


# The order of `_row`'s values.
COLUMNS = (
    "repo_id",
    "external_id",
    "sha",
    "environment",
    "status",
    "started_at",
    "finished_at",
    "baseline",
    "url",
    "remediates",
)


# The columns a report sets: all but the repo and the deployment's id.
VALUES = COLUMNS[2:]


def _row(repo_id: int, d: Deployment) -> tuple[Any, ...]:
    """Return the deployment's row, valued as `COLUMNS` says."""
    return (repo_id, d.id, *_values(d))


def _values(d: Deployment) -> tuple[Any, ...]:
    """Return the deployment's values, as `VALUES` names them."""
    return (
        d.sha,
        d.environment,
        d.status.value,
        d.started_at,
        d.finished_at,
        d.baseline,
        d.url,
        d.remediates,
    )


def _numbered(d: Deployment, seq: int) -> Deployment:
    """Return `dataclasses.replace(d, seq=seq)` at a third of its cost."""
    return Deployment(
        d.id,
        d.sha,
        d.environment,
        d.status,
        d.finished_at,
        d.started_at,
        d.baseline,
        seq,
        d.url,
        d.remediates,
    )


def deployment_of_row(row: Any) -> Deployment:
    return Deployment(
        id=row.external_id,
        sha=row.sha,
        environment=row.environment,
        status=Status(row.status),
        finished_at=row.finished_at,
        started_at=row.started_at,
        baseline=row.baseline,
        seq=row.id,
        url=row.url,
        remediates=row.remediates,
    )
