"""The relational schema of the platform data and the computed tables."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """An aware instant stored in UTC, read back aware in UTC.

    SQLite keeps naive text, so values are written as naive UTC there: one
    zone for every row keeps its text comparisons in time order.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{value!r} has no time zone")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        dict[str, Any]: JSON,
    }


class OrgRow(Base):
    __tablename__ = "orgs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)


class ProjectRow(Base):
    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("org_id", "slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(63))


class RepoRow(Base):
    __tablename__ = "repos"
    __table_args__ = (UniqueConstraint("project_id", "slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE")
    )
    slug: Mapped[str] = mapped_column(String(63))
    default_branch: Mapped[str | None] = mapped_column(String(255))
    data_version: Mapped[int] = mapped_column(BigInteger, default=0)
    attributed_version: Mapped[int | None] = mapped_column(BigInteger)


class CommitRow(Base):
    __tablename__ = "commits"

    repo_id: Mapped[int] = mapped_column(
        ForeignKey("repos.id", ondelete="CASCADE"), primary_key=True
    )
    sha: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Space-separated, in order: the first parent is the branch merged into.
    parents: Mapped[str] = mapped_column(Text)
    committed_at: Mapped[datetime]
    authored_at: Mapped[datetime]


class DeploymentRow(Base):
    __tablename__ = "deployments"
    __table_args__ = (
        UniqueConstraint("repo_id", "external_id"),
        Index(None, "repo_id", "environment", "finished_at"),
        Index(None, "repo_id", "remediates"),
    )

    # Assigned on first receipt, so it doubles as the chain's tie-breaker.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repo_id: Mapped[int] = mapped_column(ForeignKey("repos.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    sha: Mapped[str] = mapped_column(String(64))
    environment: Mapped[str] = mapped_column(String(63))
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    baseline: Mapped[bool] = mapped_column(default=False)
    url: Mapped[str | None] = mapped_column(Text)
    remediates: Mapped[str | None] = mapped_column(String(200))


class IncidentRow(Base):
    """Trouble in an environment, maybe blamed on one deployment by its id."""

    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("repo_id", "external_id"),
        Index(None, "repo_id", "environment", "started_at"),
        Index(None, "repo_id", "deployment_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repo_id: Mapped[int] = mapped_column(ForeignKey("repos.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    environment: Mapped[str] = mapped_column(String(63))
    started_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    # An id, not a foreign key: an incident may name a deployment not yet sent.
    deployment_id: Mapped[str | None] = mapped_column(String(200))


class ShippedChangeRow(Base):
    """Which deployment first shipped each commit, per environment."""

    __tablename__ = "shipped_changes"
    __table_args__ = (
        # Led by (repo, sha), the key also finds a commit's shipments.
        PrimaryKeyConstraint("repo_id", "sha", "environment"),
        Index(None, "repo_id", "environment", "finished_at"),
    )

    repo_id: Mapped[int] = mapped_column(ForeignKey("repos.id", ondelete="CASCADE"))
    environment: Mapped[str] = mapped_column(String(63))
    sha: Mapped[str] = mapped_column(String(64))
    # Not a foreign key: attribution derives the rows from the deployments
    # of its own transaction, deployments are never deleted, and checking
    # every row of an import cost about as much as writing it.
    deployment_pk: Mapped[int] = mapped_column(Integer)
    finished_at: Mapped[datetime]
    committed_at: Mapped[datetime]
    authored_at: Mapped[datetime]
    counted: Mapped[bool]


class SnapshotRow(Base):
    """A stored metrics answer, served while its data version is current."""

    __tablename__ = "dora_snapshots"
    __table_args__ = (
        UniqueConstraint(
            "scope_type",
            "scope_id",
            "period_start",
            "period_end",
            "environment",
            "granularity",
            "tz",
            "lead_time_from",
            name="uq_dora_snapshots_key",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    scope_type: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    environment: Mapped[str] = mapped_column(String(63))
    granularity: Mapped[str] = mapped_column(String(16))
    tz: Mapped[str] = mapped_column(String(64))
    lead_time_from: Mapped[str] = mapped_column(String(16))
    deployment_frequency: Mapped[int] = mapped_column(Integer)
    lead_time_avg_ms: Mapped[int | None] = mapped_column(BigInteger)
    data_version: Mapped[str] = mapped_column(Text)
    answer: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class AttributionChainRow(Base):
    """How far each chain's stored shipments are valid (null: not at all)."""

    __tablename__ = "attribution_chains"

    repo_id: Mapped[int] = mapped_column(
        ForeignKey("repos.id", ondelete="CASCADE"), primary_key=True
    )
    environment: Mapped[str] = mapped_column(String(63), primary_key=True)
    attributed_at: Mapped[datetime | None]
    attributed_seq: Mapped[int | None] = mapped_column(Integer)


class AttributionGapRow(Base):
    """An unknown sha a chain's walk stopped at, and where it first did."""

    __tablename__ = "attribution_gaps"
    __table_args__ = (Index(None, "repo_id", "sha"),)

    repo_id: Mapped[int] = mapped_column(
        ForeignKey("repos.id", ondelete="CASCADE"), primary_key=True
    )
    environment: Mapped[str] = mapped_column(String(63), primary_key=True)
    sha: Mapped[str] = mapped_column(String(64), primary_key=True)
    finished_at: Mapped[datetime]
    seq: Mapped[int] = mapped_column(Integer)
