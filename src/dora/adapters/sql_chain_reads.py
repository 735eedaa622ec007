"""Reads of deployment rows shared by the failure evidence readers.

A chain member is a successful deployment with a finish time; around a range
the rules need the members in it and the nearest one on each side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from dora.adapters.sql_support import table
from dora.adapters.sql_tables import DeploymentRow, RepoRow
from dora.domain.model import Deployment, Status
from dora.ports.repositories import TimeRange

DEPLOYMENTS = table(DeploymentRow)
REPOS = table(RepoRow)
# A dict look-up, not an enum's call, for each of thousands of rows.
STATUSES = {status.value: status for status in Status}


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


def deployments_of(repo_ids: Sequence[int]) -> Select[Any]:
    return select(DEPLOYMENTS.c.repo_id, *COLUMNS).where(
        DEPLOYMENTS.c.repo_id.in_(repo_ids)
    )


def in_chain(deployments: Any, environment: str) -> list[ColumnElement[bool]]:
    return [
        deployments.c.environment == environment,
        deployments.c.status == Status.SUCCESS.value,
        deployments.c.finished_at.is_not(None),
    ]


def around(
    repo_ids: Sequence[int], environment: str, during: TimeRange
) -> list[Select[Any]]:
    """Return the reads of the chain members in range and of each side's one."""
    inside = deployments_of(repo_ids).where(
        *in_chain(DEPLOYMENTS, environment),
        DEPLOYMENTS.c.finished_at >= during.start,
        DEPLOYMENTS.c.finished_at < during.end,
    )
    return [inside] + [
        deployments_of(repo_ids).where(
            DEPLOYMENTS.c.id.in_(_neighbours(repo_ids, environment, during, before))
        )
        for before in (True, False)
    ]


def _neighbours(
    repo_ids: Sequence[int], environment: str, during: TimeRange, before: bool
) -> Select[Any]:
    """Return each repo's last chain member before the range, or first after.

    One indexed probe per repo (LIMIT 1 in a subquery correlated with the
    repo), where a window function over the chain would read its history.
    """
    member = DEPLOYMENTS.alias("member")
    order: tuple[ColumnElement[Any], ...]
    if before:
        side = member.c.finished_at < during.start
        order = (member.c.finished_at.desc(), member.c.id.desc())
    else:
        side = member.c.finished_at >= during.end
        order = (member.c.finished_at, member.c.id)
    nearest = (
        select(member.c.id)
        .where(member.c.repo_id == REPOS.c.id, *in_chain(member, environment), side)
        .order_by(*order)
        .limit(1)
        .correlate(REPOS)
        .scalar_subquery()
    )
    return select(nearest).where(REPOS.c.id.in_(repo_ids))


def deployment(row: Any) -> Deployment:
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
        status=STATUSES[status],
        finished_at=finished_at,
        started_at=started_at,
        baseline=baseline,
        seq=seq,
        url=url,
        remediates=remediates,
    )
