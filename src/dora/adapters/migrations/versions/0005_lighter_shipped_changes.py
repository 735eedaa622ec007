"""Shipped changes: one index fewer and no check against deployments.

The primary key leads with (repo, sha), so it also serves the look-up of a
commit's shipments, and the (repo, sha) index goes. The foreign key to the
deployment is dropped: rows are derived by attribution from deployments of
the same transaction, deployments are never deleted, and checking each of
an import's rows cost about as much as writing them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 19:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shipped_changes") as batch:
        batch.drop_constraint(
            "fk_shipped_changes_deployment_pk_deployments", type_="foreignkey"
        )
        batch.drop_index("ix_shipped_changes_repo_id_sha")
        batch.drop_constraint("pk_shipped_changes", type_="primary")
        batch.create_primary_key(
            "pk_shipped_changes", ["repo_id", "sha", "environment"]
        )


def downgrade() -> None:
    with op.batch_alter_table("shipped_changes") as batch:
        batch.drop_constraint("pk_shipped_changes", type_="primary")
        batch.create_primary_key(
            "pk_shipped_changes", ["repo_id", "environment", "sha"]
        )
        batch.create_index("ix_shipped_changes_repo_id_sha", ["repo_id", "sha"])
        batch.create_foreign_key(
            "fk_shipped_changes_deployment_pk_deployments",
            "deployments",
            ["deployment_pk"],
            ["id"],
            ondelete="CASCADE",
        )
