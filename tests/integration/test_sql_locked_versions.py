"""What a lock read of repo versions answers later in its transaction."""

from __future__ import annotations

from collections.abc import Callable

from dora.adapters.sql_database import SqlUnitOfWork
from dora.domain.model import RepoPath

API = RepoPath("acme", "web", "api")


async def test_versions_read_under_lock_stay_true_until_the_catalog_writes(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    async with uow_factory() as uow:
        repo, _ = await uow.repos.ensure(API, None)
        await uow.repos.touch(repo.id)
        await uow.commit()

    async with uow_factory() as uow:
        behind = await uow.repos.lock_unattributed([repo.id])
        locked = await uow.repos.lock_for_attribution(repo.id)
        before = await uow.repos.attributed_version(repo.id)
        await uow.repos.mark_attributed(repo.id, locked)
        marked = await uow.repos.attributed_version(repo.id)
        await uow.repos.touch(repo.id)
        touched = await uow.repos.lock_for_attribution(repo.id)
        await uow.commit()

    assert (behind, locked, before) == ([repo.id], 1, None)
    assert (marked, touched) == (1, 2)


async def test_a_new_transaction_reads_the_versions_again(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    async with uow_factory() as uow:
        repo, _ = await uow.repos.ensure(API, None)
        await uow.repos.lock_unattributed([repo.id])
        await uow.commit()
        async with uow_factory() as other:
            await other.repos.touch(repo.id)
            await other.commit()
        after_commit = await uow.repos.lock_for_attribution(repo.id)
        await uow.commit()

    assert after_commit == 1
