"""DF and LT of a window aggregated by PostgreSQL, row by row as the domain does.

Rows go into days and periods by the window's own bounds (`Window.day_starts`,
`Window.period_starts`), bound as arrays for `width_bucket`, so no time-zone
rule of the database is involved. Lead times are whole microseconds: their
sums are exact, and each is turned into hours by one division of doubles, as
`lead_times.hours` does; `percentile_cont` interpolates as
`statistics.percentile` does. SQLite has neither arrays nor `percentile_cont`:
there the rows are read and the domain aggregates them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Float,
    Integer,
    Select,
    any_,
    bindparam,
    cast,
    extract,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from dora.adapters.sql_tables import CommitRow, DeploymentRow, ShippedChangeRow
from dora.domain.lead_times import (
    NO_LEAD_TIME,
    US_PER_HOUR,
    US_PER_SECOND,
    LeadTime,
    LeadTimes,
)
from dora.domain.metrics import DayTally, LeadTimeFrom
from dora.domain.model import Status
from dora.domain.window import Granularity, Window

DOUBLE = Float(precision=53)


def aggregates_in_sql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def day_tallies(
    session: AsyncSession, repo_ids: Sequence[int], environment: str, window: Window
) -> list[DayTally]:
    first, after = window.bounds()
    values = {
        "repo_ids": list(repo_ids),
        "environment": environment,
        "first": first,
        "after": after,
        "starts": window.day_starts(),
    }
    return [DayTally(*row) for row in await session.execute(_day_tallies(), values)]


@functools.cache
def _day_tallies() -> Select[int, int, int]:
    """Build once the tally by day, its values bound at each execution."""
    day = (_bucket(DeploymentRow.finished_at) - 1).label("day")
    unknown = func.count().filter(_unknown_sha())
    return (
        select(day, func.count(), unknown)
        .where(
            DeploymentRow.repo_id == any_(_repo_ids()),
            DeploymentRow.environment == bindparam("environment"),
            DeploymentRow.status == Status.SUCCESS.value,
            DeploymentRow.baseline.is_(False),
            DeploymentRow.finished_at >= bindparam("first"),
            DeploymentRow.finished_at < bindparam("after"),
        )
        .group_by(day)
        .order_by(day)
    )


async def lead_time_figures(
    session: AsyncSession,
    repo_ids: Sequence[int],
    environment: str,
    window: Window,
    granularity: Granularity,
    start: LeadTimeFrom,
) -> LeadTimes:
    first, after = window.bounds()
    values = {
        "repo_ids": list(repo_ids),
        "environment": environment,
        "first": first,
        "after": after,
        "starts": window.period_starts(granularity),
    }
    query = _summaries(start)
    found = {row[0]: row[1:] for row in await session.execute(query, values)}
    # The rollup's row of every period together has no period.
    total = found.get(None)
    periods = range(1, len(window.periods(granularity)) + 1)
    return LeadTimes(
        _lead_time(total),
        [_lead_time(found.get(index)) for index in periods],
        0 if total is None else total[2],
    )


@functools.cache
def _summaries(start: LeadTimeFrom) -> Select[Any]:
    """Count, exact sum, negatives, median and p90 by period and in total.

    Built once for each start of lead times, its values bound each time.
    """
    rows = _lead_times(start).subquery()
    clamped = func.greatest(rows.c.micros, 0)
    hours = cast(clamped, DOUBLE) / literal(float(US_PER_HOUR), DOUBLE)
    return select(
        rows.c.period,
        func.count(),
        func.sum(clamped),
        func.count().filter(rows.c.micros < 0),
        func.percentile_cont(_array([0.5, 0.9], DOUBLE)).within_group(hours),
    ).group_by(func.rollup(rows.c.period))


def _lead_times(start: LeadTimeFrom) -> Any:
    changes = ShippedChangeRow
    began = (
        changes.authored_at if start is LeadTimeFrom.AUTHORED else changes.committed_at
    )
    # The epoch of an interval is an exact numeric: whole microseconds here.
    micros = extract("epoch", changes.finished_at - began) * US_PER_SECOND
    return select(
        _bucket(changes.finished_at).label("period"),
        cast(micros, BigInteger).label("micros"),
    ).where(
        changes.repo_id == any_(_repo_ids()),
        changes.environment == bindparam("environment"),
        changes.counted.is_(True),
        changes.finished_at >= bindparam("first"),
        changes.finished_at < bindparam("after"),
    )


def _lead_time(row: Any) -> LeadTime:
    # Over no rows at all, the rollup still answers its total: a count of 0.
    if row is None or row[0] == 0:
        return NO_LEAD_TIME
    count, total, _, (median, p90) = row
    return LeadTime.summed(count, _integer(total), median, p90)


def _integer(value: Decimal | int) -> int:
    assert value == int(value), "a sum of whole microseconds"
    return int(value)


def _bucket(instant: Any) -> ColumnElement[int]:
    """The 1-based index of the last of the bound `starts` at or before it."""
    starts = bindparam("starts", type_=ARRAY(DateTime(timezone=True)))
    return func.width_bucket(instant, starts, type_=Integer())


def _repo_ids() -> Any:
    return bindparam("repo_ids", type_=ARRAY(Integer()))


def _array(values: Sequence[Any], item: Any) -> Any:
    return literal(list(values), ARRAY(item))


def _unknown_sha() -> ColumnElement[bool]:
    # A scalar look-up, not NOT EXISTS, for the index probe per deployment
    # that the row-by-row read gets too.
    return (
        select(literal(1))
        .where(
            CommitRow.repo_id == DeploymentRow.repo_id,
            CommitRow.sha == DeploymentRow.sha,
        )
        .scalar_subquery()
        .is_(None)
    )
