"""A chain's pending members are counted as they are read."""

from __future__ import annotations

from collections.abc import Callable

from dora.adapters.sql_database import SqlUnitOfWork
from dora.domain.chains import ChainPosition
from dora.domain.model import Status

from .builders import PATH, deployment

UowFactory = Callable[[], SqlUnitOfWork]


async def test_pending_members_are_counted_as_read(uow_factory: UowFactory) -> None:
    deployments = [
        deployment("a", "1", "2024-01-02T10:00:00Z"),
        deployment("b", "2", "2024-01-02T10:00:00Z"),
        deployment("c", "3", "2024-01-02T11:00:00Z"),
        deployment("failed", "4", "2024-01-02T12:00:00Z", status=Status.FAILURE),
        deployment("running", "5", None, status=Status.RUNNING),
        deployment("staging", "6", "2024-01-02T12:00:00Z", environment="staging"),
        deployment("d", "7", "2024-01-02T13:00:00Z"),
    ]
    async with uow_factory() as uow:
        repo, _ = await uow.repos.ensure(PATH, None)
        updates = await uow.deployments.upsert_many(repo.id, deployments)
        await uow.commit()
    first = ChainPosition.of(updates[0][1])

    async with uow_factory() as uow:
        store = uow.attribution
        counts = [
            await store.count_pending(repo.id, "production", position)
            for position in (None, first)
        ]
        read = [
            [d.id for d in await store.pending(repo.id, "production", position)]
            for position in (None, first)
        ]

    assert read == [["a", "b", "c", "d"], ["b", "c", "d"]]
    assert counts == [4, 3]
