"""Record fixes forward (`deployments.remediates`) and incidents.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 18:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deployments") as batch:
        batch.add_column(sa.Column("remediates", sa.String(length=200), nullable=True))
    op.create_index(
        op.f("ix_deployments_repo_id_remediates"),
        "deployments",
        ["repo_id", "remediates"],
        unique=False,
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repo_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("environment", sa.String(length=63), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deployment_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["repo_id"],
            ["repos.id"],
            name=op.f("fk_incidents_repo_id_repos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint(
            "repo_id", "external_id", name=op.f("uq_incidents_repo_id_external_id")
        ),
    )
    op.create_index(
        op.f("ix_incidents_repo_id_environment_started_at"),
        "incidents",
        ["repo_id", "environment", "started_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_incidents_repo_id_deployment_id"),
        "incidents",
        ["repo_id", "deployment_id"],
        unique=False,
    )
    # Stored answers lack the failure figures; computing them again is cheap.
    op.execute("DELETE FROM dora_snapshots")


def downgrade() -> None:
    op.drop_index(op.f("ix_incidents_repo_id_deployment_id"), table_name="incidents")
    op.drop_index(
        op.f("ix_incidents_repo_id_environment_started_at"), table_name="incidents"
    )
    op.drop_table("incidents")
    op.drop_index(op.f("ix_deployments_repo_id_remediates"), table_name="deployments")
    with op.batch_alter_table("deployments") as batch:
        batch.drop_column("remediates")
