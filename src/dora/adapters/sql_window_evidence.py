"""The deployments failure rules look at around a window, in one statement.

The chain members of the reach (with one neighbour on each side), the
deployments naming a counted member of the window in `remediates`, and the
window's failed attempts are three reads of one table: a kind column tells
their rows apart, so they cost one round trip instead of three. The counted
members are named by a subquery, so the ids need not travel twice.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    false,
    literal,
    literal_column,
    not_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from dora.adapters.sql_chain_reads import (
    DEPLOYMENTS,
    around,
    deployment,
    deployments_of,
    in_chain,
)
from dora.adapters.sql_support import batches, table
from dora.adapters.sql_tables import ShippedChangeRow
from dora.domain.model import Status
from dora.ports.failures import WindowDeployments
from dora.ports.repositories import TimeRange

SHIPPED = table(ShippedChangeRow)
CHAIN, REMEDY, FAILED = 0, 1, 2
# How often the statement names its repos: it binds their ids that often.
REPO_LISTS = 8


async def window_deployments(
    session: AsyncSession,
    repo_ids: Sequence[int],
    environment: str,
    window: TimeRange,
    reach: TimeRange,
) -> WindowDeployments:
    read = WindowDeployments(chains={}, remediations={}, failed_attempts=[], idle={})
    for batch in batches(repo_ids, columns=REPO_LISTS):
        values = window_values(batch, environment, window, reach)
        for kind, repo_id, *row, idle in await session.execute(_statement(), values):
            if kind == FAILED:
                read.failed_attempts.append(row[4])
                continue
            if idle:
                read.idle.setdefault(repo_id, set()).add(row[0])
            found = read.chains if kind == CHAIN else read.remediations
            found.setdefault(repo_id, []).append(deployment(row))
    return read


@functools.cache
def _statement() -> Select[Any]:
    """Build the statement once, its values bound at each execution.

    Building a statement this size costs more than the database takes to
    run it.
    """
    repo_ids, environment, window, reach = window_parameters()
    chain = around(repo_ids, environment, reach)
    parts = [(CHAIN, part.add_columns(_shipped_nothing())) for part in chain]
    parts += [
        (REMEDY, _remedies(repo_ids, environment, window).add_columns(false())),
        (FAILED, _failed(repo_ids, environment, window).add_columns(false())),
    ]
    union = union_all(
        *(
            select(literal_column(str(kind)).label("kind"), p.subquery())
            for kind, p in parts
        )
    ).subquery()
    # In chain order by repo, which the chains need; the rest need no order.
    return select(union).order_by(
        union.c.kind, union.c.repo_id, union.c.finished_at, union.c.id
    )


def window_parameters() -> tuple[Sequence[int], str, TimeRange, TimeRange]:
    """Return the parameters of a statement over a window, bound when it runs.

    In place of repo ids, environment, window and reach, so the functions
    that build statements from those build it unchanged.
    """
    repo_ids = cast(Sequence[int], bindparam("repo_ids", expanding=True))
    environment = cast(str, bindparam("environment"))
    return repo_ids, environment, _range("window"), _range("reach")


def window_values(
    repo_ids: Sequence[int], environment: str, window: TimeRange, reach: TimeRange
) -> dict[str, Any]:
    """Return the values of `window_parameters` for one execution."""
    return {
        "repo_ids": list(repo_ids),
        "environment": environment,
        **{f"window_{name}": value for name, value in _ends(window)},
        **{f"reach_{name}": value for name, value in _ends(reach)},
    }


def _range(name: str) -> TimeRange:
    start: Any = bindparam(f"{name}_start")
    end: Any = bindparam(f"{name}_end")
    return TimeRange(start, end)


def _ends(during: TimeRange) -> tuple[tuple[str, datetime], ...]:
    return (("start", during.start), ("end", during.end))


def _remedies(
    repo_ids: Sequence[int], environment: str, window: TimeRange
) -> Select[Any]:
    # A join, not a correlated IN: the planner starts from the few members
    # of the window and probes the index on `remediates` for each.
    judged = DEPLOYMENTS.alias("judged")
    return (
        deployments_of(repo_ids)
        .join(
            judged,
            and_(
                judged.c.repo_id == DEPLOYMENTS.c.repo_id,
                judged.c.external_id == DEPLOYMENTS.c.remediates,
            ),
        )
        # Implied by the join; said so the index on it reads the few that do.
        .where(
            DEPLOYMENTS.c.remediates.is_not(None),
            *counted_within(judged, environment, window),
        )
    )


def counted_within(
    deployments: Any, environment: str, window: TimeRange
) -> list[ColumnElement[bool]]:
    """Return the conditions of a counted chain member finished in the window."""
    return [
        *in_chain(deployments, environment),
        not_(deployments.c.baseline),
        *_within(deployments.c.finished_at, window),
    ]


def _shipped_nothing() -> ColumnElement[bool]:
    """Whether a chain member shipped no change of its own.

    A member whose sha was shipped before ships nothing itself, and only such
    a member may have gone back. A member's changes carry its finish time,
    so the probe reads its changes only, through the index on finish time.
    A scalar look-up, not NOT EXISTS, which the planner may answer by hashing
    every change of the table instead.
    """
    return (
        select(literal(1))
        .where(
            SHIPPED.c.repo_id == DEPLOYMENTS.c.repo_id,
            SHIPPED.c.environment == DEPLOYMENTS.c.environment,
            SHIPPED.c.finished_at == DEPLOYMENTS.c.finished_at,
            SHIPPED.c.deployment_pk == DEPLOYMENTS.c.id,
        )
        .limit(1)
        .scalar_subquery()
        .is_(None)
    )


def _failed(
    repo_ids: Sequence[int], environment: str, window: TimeRange
) -> Select[Any]:
    return deployments_of(repo_ids).where(
        DEPLOYMENTS.c.environment == environment,
        DEPLOYMENTS.c.status == Status.FAILURE.value,
        *_within(DEPLOYMENTS.c.finished_at, window),
    )


def _within(column: Any, window: TimeRange) -> list[ColumnElement[bool]]:
    return [column >= window.start, column < window.end]
