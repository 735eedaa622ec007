"""The repo catalog on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

from dora.adapters.sql_database import SqlUnitOfWork
from dora.adapters.sql_tables import OrgRow, ProjectRow
from dora.domain.model import RepoPath, Scope, ScopeType
from dora.ports.repositories import SnapshotKey

from .builders import PATH

# Any question: only the scope's version is read with it.
SOME_KEY = SnapshotKey(
    Scope(ScopeType.ORG, "acme"),
    "2024-01-01",
    "2024-01-31",
    "production",
    "week",
    "UTC",
    "committed",
)

UowFactory = Callable[[], SqlUnitOfWork]


async def _add_repos(uow_factory: UowFactory, *paths: str) -> dict[str, int]:
    async with uow_factory() as uow:
        ids = {}
        for path in paths:
            repo, _ = await uow.repos.ensure(RepoPath.parse(path), None)
            ids[path] = repo.id
        await uow.commit()
    return ids


async def test_ensure_creates_a_repo_once(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        created, was_new = await uow.repos.ensure(PATH, "main")
        again, again_new = await uow.repos.ensure(PATH, "trunk")
        await uow.commit()

    assert (was_new, again_new) == (True, False)
    assert again == created
    assert (created.path, created.default_branch) == (PATH, "main")


async def test_get_finds_a_repo_by_path_only(uow_factory: UowFactory) -> None:
    await _add_repos(uow_factory, "acme/web/api")

    async with uow_factory() as uow:
        found = await uow.repos.get(PATH)
        other = await uow.repos.get(RepoPath("acme", "web", "ui"))

    assert found is not None
    assert found.path == PATH
    assert other is None


async def test_in_scope_lists_the_repos_beneath_a_scope_by_id(
    uow_factory: UowFactory,
) -> None:
    ids = await _add_repos(
        uow_factory, "acme/web/ui", "acme/web/api", "acme/pay/api", "other/web/api"
    )

    async with uow_factory() as uow:
        org = await uow.repos.in_scope(Scope(ScopeType.ORG, "acme"))
        project = await uow.repos.in_scope(Scope(ScopeType.PROJECT, "acme/web"))
        repo = await uow.repos.in_scope(Scope(ScopeType.REPO, "acme/pay/api"))

    assert org is not None
    assert project is not None
    assert repo is not None
    assert [r.id for r in org] == [
        ids["acme/web/ui"],
        ids["acme/web/api"],
        ids["acme/pay/api"],
    ]
    assert [str(r.path) for r in project] == ["acme/web/ui", "acme/web/api"]
    assert [str(r.path) for r in repo] == ["acme/pay/api"]


async def test_in_scope_of_an_unknown_scope_is_none(uow_factory: UowFactory) -> None:
    await _add_repos(uow_factory, "acme/web/api")

    async with uow_factory() as uow:
        unknown = [
            await uow.repos.in_scope(Scope(ScopeType.ORG, "nobody")),
            await uow.repos.in_scope(Scope(ScopeType.PROJECT, "acme/none")),
            await uow.repos.in_scope(Scope(ScopeType.PROJECT, "nobody/web")),
            await uow.repos.in_scope(Scope(ScopeType.REPO, "acme/web/none")),
        ]

    assert unknown == [None, None, None, None]


async def test_in_scope_of_a_project_without_repos_is_empty(
    uow_factory: UowFactory,
) -> None:
    async with uow_factory() as uow:
        org = OrgRow(slug="acme")
        uow.session.add(org)
        await uow.session.flush()
        uow.session.add(ProjectRow(org_id=org.id, slug="empty"))
        await uow.commit()

    async with uow_factory() as uow:
        project = await uow.repos.in_scope(Scope(ScopeType.PROJECT, "acme/empty"))
        org_repos = await uow.repos.in_scope(Scope(ScopeType.ORG, "acme"))

    assert (project, org_repos) == ([], [])


async def test_touch_raises_the_data_version_of_one_repo(
    uow_factory: UowFactory,
) -> None:
    ids = await _add_repos(uow_factory, "acme/web/api", "acme/web/ui")
    api, ui = ids["acme/web/api"], ids["acme/web/ui"]

    async with uow_factory() as uow:
        await uow.repos.touch(api)
        await uow.repos.touch(api)
        await uow.commit()

    async with uow_factory() as uow:
        _, of_api = await uow.snapshots.with_version(SOME_KEY, [api])
        _, of_ui = await uow.snapshots.with_version(SOME_KEY, [ui])
    assert (of_api.total, of_ui.total) == (2, 0)


async def test_attribution_version_is_recorded_and_locked_reads_current(
    uow_factory: UowFactory,
) -> None:
    repo_id = (await _add_repos(uow_factory, "acme/web/api"))["acme/web/api"]

    async with uow_factory() as uow:
        before = await uow.repos.attributed_version(repo_id)
        await uow.repos.touch(repo_id)
        locked = await uow.repos.lock_for_attribution(repo_id)
        await uow.repos.mark_attributed(repo_id, locked)
        await uow.commit()

    async with uow_factory() as uow:
        after = await uow.repos.attributed_version(repo_id)
    assert (before, locked, after) == (None, 1, 1)


async def test_lock_unattributed_names_the_repos_whose_data_moved_on(
    uow_factory: UowFactory,
) -> None:
    ids = await _add_repos(uow_factory, "acme/web/api", "acme/web/ui", "acme/ops/db")
    api, ui, db = ids["acme/web/api"], ids["acme/web/ui"], ids["acme/ops/db"]
    async with uow_factory() as uow:
        for repo_id in (api, ui):
            await uow.repos.mark_attributed(repo_id, 0)
        await uow.repos.touch(ui)
        await uow.commit()

    async with uow_factory() as uow:
        behind = await uow.repos.lock_unattributed([db, ui, api])

    assert sorted(behind) == sorted([ui, db])
