"""Keep attribution incrementally: each chain's valid prefix and its gaps.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 17:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attribution_chains",
        sa.Column("repo_id", sa.Integer(), nullable=False),
        sa.Column("environment", sa.String(length=63), nullable=False),
        sa.Column("attributed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attributed_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["repo_id"],
            ["repos.id"],
            name=op.f("fk_attribution_chains_repo_id_repos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "repo_id", "environment", name=op.f("pk_attribution_chains")
        ),
    )
    op.create_table(
        "attribution_gaps",
        sa.Column("repo_id", sa.Integer(), nullable=False),
        sa.Column("environment", sa.String(length=63), nullable=False),
        sa.Column("sha", sa.String(length=64), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["repo_id"],
            ["repos.id"],
            name=op.f("fk_attribution_gaps_repo_id_repos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "repo_id", "environment", "sha", name=op.f("pk_attribution_gaps")
        ),
    )
    op.create_index(
        op.f("ix_attribution_gaps_repo_id_sha"),
        "attribution_gaps",
        ["repo_id", "sha"],
        unique=False,
    )
    # Stored attributions were whole; start every chain afresh so the next
    # computation rebuilds them with their positions and gaps.
    op.execute(
        "INSERT INTO attribution_chains (repo_id, environment) "
        "SELECT DISTINCT repo_id, environment FROM deployments"
    )
    op.execute("DELETE FROM shipped_changes")
    op.execute("UPDATE repos SET attributed_version = NULL")


def downgrade() -> None:
    op.drop_index(
        op.f("ix_attribution_gaps_repo_id_sha"), table_name="attribution_gaps"
    )
    op.drop_table("attribution_gaps")
    op.drop_table("attribution_chains")
