"""Create the platform tables and the computed tables.

Revision ID: 0001
Revises:
Create Date: 2026-12-04 15:53:51.000599
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dora_snapshots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scope_type", sa.String(length=16), nullable=False),
        sa.Column("scope_id", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("environment", sa.String(length=63), nullable=False),
        sa.Column("granularity", sa.String(length=16), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("lead_time_from", sa.String(length=16), nullable=False),
        sa.Column("deployment_frequency", sa.Integer(), nullable=False),
        sa.Column("lead_time_avg_ms", sa.BigInteger(), nullable=True),
        sa.Column("data_version", sa.Text(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dora_snapshots")),
        sa.UniqueConstraint(
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
    op.create_table(
        "orgs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orgs")),
        sa.UniqueConstraint("slug", name=op.f("uq_orgs_slug")),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["orgs.id"],
            name=op.f("fk_projects_org_id_orgs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("org_id", "slug", name=op.f("uq_projects_org_id_slug")),
    )
    op.create_table(
        "repos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("default_branch", sa.String(length=255), nullable=True),
        sa.Column("data_version", sa.BigInteger(), nullable=False),
        sa.Column("attributed_version", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_repos_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repos")),
        sa.UniqueConstraint(
            "project_id", "slug", name=op.f("uq_repos_project_id_slug")
        ),
    )
    op.create_table(
        "commits",
        sa.Column("repo_id", sa.Integer(), nullable=False),
        sa.Column("sha", sa.String(length=64), nullable=False),
        sa.Column("parents", sa.Text(), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("authored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["repo_id"],
            ["repos.id"],
            name=op.f("fk_commits_repo_id_repos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("repo_id", "sha", name=op.f("pk_commits")),
    )
    op.create_table(
        "deployments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repo_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("sha", sa.String(length=64), nullable=False),
        sa.Column("environment", sa.String(length=63), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("baseline", sa.Boolean(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["repo_id"],
            ["repos.id"],
            name=op.f("fk_deployments_repo_id_repos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployments")),
        sa.UniqueConstraint(
            "repo_id", "external_id", name=op.f("uq_deployments_repo_id_external_id")
        ),
    )
    op.create_index(
        op.f("ix_deployments_repo_id_environment_finished_at"),
        "deployments",
        ["repo_id", "environment", "finished_at"],
        unique=False,
    )

    op.create_table(
        "shipped_changes",
        sa.Column("repo_id", sa.Integer(), nullable=False),
        sa.Column("environment", sa.String(length=63), nullable=False),
        sa.Column("sha", sa.String(length=64), nullable=False),
        sa.Column("deployment_pk", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("authored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_pk"],
            ["deployments.id"],
            name=op.f("fk_shipped_changes_deployment_pk_deployments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["repo_id"],
            ["repos.id"],
            name=op.f("fk_shipped_changes_repo_id_repos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "repo_id", "environment", "sha", name=op.f("pk_shipped_changes")
        ),
    )
    op.create_index(
        op.f("ix_shipped_changes_repo_id_environment_finished_at"),
        "shipped_changes",
        ["repo_id", "environment", "finished_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_shipped_changes_repo_id_sha"),
        "shipped_changes",
        ["repo_id", "sha"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_shipped_changes_repo_id_sha"), table_name="shipped_changes")
    op.drop_index(
        op.f("ix_shipped_changes_repo_id_environment_finished_at"),
        table_name="shipped_changes",
    )
    op.drop_table("shipped_changes")
    op.drop_index(
        op.f("ix_deployments_repo_id_environment_finished_at"), table_name="deployments"
    )
    op.drop_table("deployments")
    op.drop_table("commits")
    op.drop_table("repos")
    op.drop_table("projects")
    op.drop_table("orgs")
    op.drop_table("dora_snapshots")
