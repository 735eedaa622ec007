"""A bulk load returns its deployments exactly as it stored them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from dora.adapters.sql_database import SqlUnitOfWork
from dora.domain.model import Deployment

from .builders import PATH, deployment

UowFactory = Callable[[], SqlUnitOfWork]
START = datetime(2024, 3, 1, tzinfo=UTC)


def _every_field(deployment: Deployment) -> tuple[object, ...]:
    # `url` does not take part in comparisons; every field does here.
    fields = dataclasses.fields(Deployment)
    return tuple(getattr(deployment, field.name) for field in fields)


def _full(n: int) -> Deployment:
    """A deployment with every field set, none to its default."""
    return dataclasses.replace(
        deployment(f"d{n}", str(n % 5)),
        started_at=START + timedelta(minutes=n),
        finished_at=START + timedelta(minutes=n + 1),
        baseline=n % 2 == 0,
        seq=10_000 + n,
        url=f"https://ci.example/{n}",
        remediates=f"d{n - 1}",
    )


async def _load(
    uow_factory: UowFactory, repo_id: int, deployments: list[Deployment]
) -> tuple[list[tuple[object, ...]], dict[str, tuple[object, ...]]]:
    """Load; return the deployments as returned, and as then stored by id."""
    async with uow_factory() as uow:
        updates = await uow.deployments.upsert_many(repo_id, deployments)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.deployments.of_repo(repo_id)
    returned = [_every_field(new) for _, new in updates]
    return returned, {d.id: _every_field(d) for d in stored}


async def test_bulk_loaded_deployments_come_back_as_stored(
    uow_factory: UowFactory,
) -> None:
    async with uow_factory() as uow:
        repo, _ = await uow.repos.ensure(PATH, None)
        await uow.commit()
    first = [_full(n) for n in range(300)]
    changed = [dataclasses.replace(d, url=f"{d.url}/again") for d in first[:100]]
    later = [*changed, *first[100:], *[_full(n) for n in range(300, 450)]]

    returned, stored = await _load(uow_factory, repo.id, first)
    returned_later, stored_later = await _load(uow_factory, repo.id, later)

    assert returned == [stored[d.id] for d in first]
    assert returned_later == [stored_later[d.id] for d in later]
    assert returned_later[0] != returned[0]
    assert len(stored_later) == 450
