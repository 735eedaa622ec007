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

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Float,
    Integer,
    any_,
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
    day = (_bucket(DeploymentRow.finished_at, window.day_starts()) - 1).label("day")
    unknown = func.count().filter(_unknown_sha())
    query = (
        select(day, func.count(), unknown)
        .where(
            DeploymentRow.repo_id == any_(_array(repo_ids, Integer())),
            DeploymentRow.environment == environment,
            DeploymentRow.status == Status.SUCCESS.value,
            DeploymentRow.baseline.is_(False),
            DeploymentRow.finished_at >= first,
            DeploymentRow.finished_at < after,
        )
        .group_by(day)
        .order_by(day)
    )
    return [DayTally(*row) for row in await session.execute(query)]


async def lead_time_figures(
    session: AsyncSession,
    repo_ids: Sequence[int],
    environment: str,
    window: Window,
    granularity: Granularity,
    start: LeadTimeFrom,
) -> LeadTimes:
    rows = _lead_times(repo_ids, environment, window, granularity, start).subquery()
    found = {row[0]: row[1:] for row in await session.execute(_summaries(rows))}
    # The rollup's row of every period together has no period.
    total = found.get(None)
    periods = range(1, len(window.periods(granularity)) + 1)
    return LeadTimes(
        _lead_time(total),
        [_lead_time(found.get(index)) for index in periods],
        0 if total is None else total[2],
    )


def _summaries(rows: Any) -> Any:
    """Count, exact sum, negatives, median and p90 by period and in total."""
    clamped = func.greatest(rows.c.micros, 0)
    hours = cast(clamped, DOUBLE) / literal(float(US_PER_HOUR), DOUBLE)
    return select(
        rows.c.period,
        func.count(),
        func.sum(clamped),
        func.count().filter(rows.c.micros < 0),
        func.percentile_cont(_array([0.5, 0.9], DOUBLE)).within_group(hours),
    ).group_by(func.rollup(rows.c.period))


def _lead_times(
    repo_ids: Sequence[int],
    environment: str,
    window: Window,
    granularity: Granularity,
    start: LeadTimeFrom,
) -> Any:
    changes = ShippedChangeRow
    began = (
        changes.authored_at if start is LeadTimeFrom.AUTHORED else changes.committed_at
    )
    first, after = window.bounds()
    # The epoch of an interval is an exact numeric: whole microseconds here.
    micros = extract("epoch", changes.finished_at - began) * US_PER_SECOND
    return select(
        _bucket(changes.finished_at, window.period_starts(granularity)).label("period"),
        cast(micros, BigInteger).label("micros"),
    ).where(
        changes.repo_id == any_(_array(repo_ids, Integer())),
        changes.environment == environment,
        changes.counted.is_(True),
        changes.finished_at >= first,
        changes.finished_at < after,
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


def _bucket(instant: Any, starts: list[datetime]) -> ColumnElement[int]:
    """The 1-based index of the last of `starts` at or before `instant`."""
    bounds = _array(starts, DateTime(timezone=True))
    return func.width_bucket(instant, bounds, type_=Integer())


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
