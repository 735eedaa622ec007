"""The repo catalog over SQL: orgs, projects, repos and their data versions."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dora.adapters.sql_locked import LockedVersions
from dora.adapters.sql_support import batches, conflict_insert
from dora.adapters.sql_tables import OrgRow, ProjectRow, RepoRow
from dora.domain.model import Repo, RepoPath, Scope, ScopeType

RepoQuery = Select[int, str, str, str, str | None]


class SqlRepoCatalog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # The versions of the repos this transaction locked, as it keeps them.
        self.locked = LockedVersions()

    async def ensure(
        self, path: RepoPath, default_branch: str | None
    ) -> tuple[Repo, bool]:
        org_id, _ = await self._ensure_id(OrgRow, {"slug": path.org})
        project_id, _ = await self._ensure_id(
            ProjectRow, {"org_id": org_id, "slug": path.project}
        )
        repo_id, created = await self._ensure_id(
            RepoRow,
            {"project_id": project_id, "slug": path.repo},
            default_branch=default_branch,
        )
        if created:
            return Repo(repo_id, path, default_branch), True
        existing = await self.get(path)
        assert existing is not None
        return existing, False

    async def _ensure_id(
        self,
        row: type[OrgRow | ProjectRow | RepoRow],
        key: dict[str, object],
        **extra: object,
    ) -> tuple[int, bool]:
        """Return the id of the row with `key`, inserting it when missing.

        ON CONFLICT lets two transactions create the same row without either
        failing: the loser waits for the winner and then reads its id.
        """
        statement = (
            conflict_insert(self.session, row)
            .values(**key, **extra)
            .on_conflict_do_nothing(index_elements=list(key))
            .returning(row.id)
        )
        new_id = await self.session.scalar(statement)
        if new_id is not None:
            return int(new_id), True
        query = select(row.id).filter_by(**key)
        return int((await self.session.execute(query)).scalar_one()), False

    async def get(self, path: RepoPath) -> Repo | None:
        values = {"org": path.org, "project": path.project, "repo": path.repo}
        result = await self.session.execute(_by_path(), values)
        repos = _found(result)
        return repos[0] if repos else None

    async def in_scope(self, scope: Scope) -> list[Repo] | None:
        parts = scope.path.split("/")
        if scope.type is ScopeType.REPO:
            repo = await self.get(RepoPath(*parts))
            return None if repo is None else [repo]
        found = select(OrgRow.id).where(OrgRow.slug == parts[0])
        beneath = [OrgRow.slug == parts[0]]
        if scope.type is ScopeType.PROJECT:
            found = found.join(ProjectRow).where(ProjectRow.slug == parts[1])
            beneath.append(ProjectRow.slug == parts[1])
        if await self.session.scalar(found) is None:
            return None
        return await self._repos(_repos().where(*beneath).order_by(RepoRow.id))

    async def _repos(self, query: RepoQuery) -> list[Repo]:
        return _found(await self.session.execute(query))

    async def touch(self, repo_id: int) -> None:
        self.locked.forget(repo_id)
        await self.session.execute(
            update(RepoRow)
            .where(RepoRow.id == repo_id)
            .values(data_version=RepoRow.data_version + 1)
        )

    async def attributed_version(self, repo_id: int) -> int | None:
        held = self.locked.of(self._transaction(), repo_id)
        if held is not None:
            return held[1]
        query = select(RepoRow.attributed_version).where(RepoRow.id == repo_id)
        return await self.session.scalar(query)

    async def lock_for_attribution(self, repo_id: int) -> int:
        """Lock the repo row until commit; SQLite has no row locks and skips it.

        On SQLite every transaction already holds the database's write lock.
        A repo this transaction locked already needs no second look-up.
        """
        held = self.locked.of(self._transaction(), repo_id)
        if held is not None:
            return held[0]
        query = (
            select(RepoRow.data_version).where(RepoRow.id == repo_id).with_for_update()
        )
        return (await self.session.execute(query)).scalar_one()

    async def lock_unattributed(self, repo_ids: Sequence[int]) -> list[int]:
        # Locked in id order, as `lock_for_attribution` locks them one by one,
        # so two readers of overlapping scopes cannot deadlock.
        behind: list[int] = []
        for ids in batches(sorted(repo_ids), columns=1):
            query = (
                select(RepoRow.id, RepoRow.data_version, RepoRow.attributed_version)
                .where(RepoRow.id.in_(ids))
                .order_by(RepoRow.id)
                .with_for_update()
            )
            rows = (await self.session.execute(query)).all()
            self.locked.keep(self._transaction(), rows)
            behind += [id for id, version, done in rows if done != version]
        return behind

    async def mark_attributed(self, repo_id: int, version: int) -> None:
        self.locked.forget(repo_id)
        await self.session.execute(
            update(RepoRow)
            .where(RepoRow.id == repo_id)
            .values(attributed_version=version)
        )

    def _transaction(self) -> object:
        return self.session.sync_session.get_transaction()


@functools.cache
def _by_path() -> RepoQuery:
    """Build once the look-up of a repo by its path, bound at each execution."""
    return _repos().where(
        OrgRow.slug == bindparam("org"),
        ProjectRow.slug == bindparam("project"),
        RepoRow.slug == bindparam("repo"),
    )


def _found(rows: Iterable[tuple[int, str, str, str, str | None]]) -> list[Repo]:
    return [
        Repo(id, RepoPath(org, project, repo), branch)
        for id, org, project, repo, branch in rows
    ]


def _repos() -> RepoQuery:
    return (
        select(
            RepoRow.id,
            OrgRow.slug,
            ProjectRow.slug,
            RepoRow.slug,
            RepoRow.default_branch,
        )
        .join(ProjectRow, RepoRow.project_id == ProjectRow.id)
        .join(OrgRow, ProjectRow.org_id == OrgRow.id)
    )
