"""The versions of repo rows a transaction locked, kept for its later asks.

Only the catalog writes a repo's versions, and a row locked FOR UPDATE
(SQLite: the whole database, from BEGIN IMMEDIATE) cannot change under its
transaction until that ends. So what the lock read stays true for the rest of
the transaction, unless the catalog itself writes the row: it forgets the
row then. A new transaction (after a commit or a rollback) finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable


class LockedVersions:
    def __init__(self) -> None:
        self.transaction: object = None
        self.versions: dict[int, tuple[int, int | None]] = {}

    def keep(
        self, transaction: object, rows: Iterable[tuple[int, int, int | None]]
    ) -> None:
        """Keep the (data, attributed) versions read under lock in `transaction`."""
        if transaction is not self.transaction:
            self.transaction, self.versions = transaction, {}
        self.versions.update((id, (data, done)) for id, data, done in rows)

    def of(self, transaction: object, repo_id: int) -> tuple[int, int | None] | None:
        """Return the versions kept of the repo, if it was locked in `transaction`."""
        if transaction is None or transaction is not self.transaction:
            return None
        return self.versions.get(repo_id)

    def forget(self, repo_id: int) -> None:
        self.versions.pop(repo_id, None)
