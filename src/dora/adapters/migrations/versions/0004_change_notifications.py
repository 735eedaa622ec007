"""Notify listeners when a repo's data changes (PostgreSQL only).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Statement-level, so a batch that moves many versions notifies once; and
# PostgreSQL folds equal notifications of one transaction into one.
TRIGGERS = {
    "repos_changed": "INSERT OR DELETE OR UPDATE OF data_version",
    "repos_emptied": "TRUNCATE",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION dora_notify_change() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN PERFORM pg_notify('dora_changes', ''); RETURN NULL; END $$"
    )
    for name, events in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} AFTER {events} ON repos "
            "FOR EACH STATEMENT EXECUTE FUNCTION dora_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON repos")
    op.execute("DROP FUNCTION dora_notify_change()")
