"""Incidents and the reads of the failure rules on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from dora.adapters.sql_database import SqlUnitOfWork
from dora.domain.failures import chain_position
from dora.domain.incidents import Incident
from dora.domain.model import Repo, Status
from dora.ports.repositories import TimeRange
from dora.service_layer import ingest
from dora.service_layer.attribution import attribute

from .builders import PATH, at, commit, deployment, january, sha

UowFactory = Callable[[], SqlUnitOfWork]


async def _repo(uow_factory: UowFactory) -> Repo:
    async with uow_factory() as uow:
        repo, _ = await uow.repos.ensure(PATH, None)
        await uow.commit()
    return repo


async def test_an_incident_posted_again_is_updated_in_place(
    uow_factory: UowFactory,
) -> None:
    repo = await _repo(uow_factory)
    opened = Incident("i1", at("2024-01-05T10:00:00Z"))
    resolved = dataclasses.replace(opened, resolved_at=at("2024-01-05T12:00:00Z"))

    async with uow_factory() as uow:
        _, first_new = await uow.incidents.upsert(repo.id, opened)
        _, again_new = await uow.incidents.upsert(repo.id, resolved)
        await uow.commit()
    async with uow_factory() as uow:
        read = await uow.incidents.around([repo.id], "production", *[january()] * 2)
        stored = read[repo.id]

    assert (first_new, again_new) == (True, False)
    assert stored == [resolved]


async def test_unlinked_incidents_are_read_by_environment_and_start(
    uow_factory: UowFactory,
) -> None:
    repo = await _repo(uow_factory)
    wanted = Incident("in", at("2024-01-10T00:00:00Z"))
    others = [
        Incident("linked", at("2024-01-10T00:00:00Z"), deployment_id="d1"),
        Incident("staging", at("2024-01-10T00:00:00Z"), environment="staging"),
        Incident("later", at("2024-02-01T00:00:00Z")),
    ]

    async with uow_factory() as uow:
        for incident in (wanted, *others):
            await uow.incidents.upsert(repo.id, incident)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.incidents.around([repo.id], "production", *[january()] * 2)

    assert found == {repo.id: [wanted]}


async def test_remediates_round_trips_one_by_one_and_in_bulk(
    uow_factory: UowFactory,
) -> None:
    repo = await _repo(uow_factory)
    fix = dataclasses.replace(deployment("d2", "b"), remediates="d1")
    bulk_fix = dataclasses.replace(deployment("d3", "c"), remediates="d1")

    async with uow_factory() as uow:
        await uow.deployments.upsert(repo.id, fix)
        await uow.deployments.upsert_many(repo.id, [bulk_fix])
        await uow.commit()
    async with uow_factory() as uow:
        wanted = {repo.id: ["d2", "d3", "d2", "nope"]}
        named = (await uow.failures.by_ids(wanted))[repo.id]

    assert sorted((d.id, d.remediates) for d in named) == [("d2", "d1"), ("d3", "d1")]


async def test_the_chain_around_a_range_has_one_member_on_each_side(
    uow_factory: UowFactory,
) -> None:
    repo = await _repo(uow_factory)
    stored = [
        deployment("old", "a", "2023-12-01T10:00:00Z"),
        deployment("before", "a", "2023-12-31T10:00:00Z"),
        deployment("failed", "a", "2024-01-05T10:00:00Z", status=Status.FAILURE),
        deployment("in", "b", "2024-01-10T10:00:00Z"),
        deployment("staging", "b", "2024-01-11T10:00:00Z", environment="staging"),
        deployment("after", "c", "2024-02-02T10:00:00Z"),
        deployment("later", "c", "2024-03-02T10:00:00Z"),
    ]

    async with uow_factory() as uow:
        for item in stored:
            await uow.deployments.upsert(repo.id, item)
        await uow.commit()
    async with uow_factory() as uow:
        around = await uow.failures.around([repo.id], "production", *[january()] * 2)
        quiet = TimeRange(at("2024-01-20T00:00:00Z"), at("2024-01-21T00:00:00Z"))
        empty = await uow.failures.around([repo.id], "production", quiet, quiet)

    assert [d.id for d in around.chains[repo.id]] == ["before", "in", "after"]
    assert [d.id for d in empty.chains[repo.id]] == ["in", "after"]
    assert around.failed_attempts == [at("2024-01-05T10:00:00Z")]
    assert empty.failed_attempts == []


async def test_lineage_shipped_gives_the_commits_first_shipped_in_a_span(
    uow_factory: UowFactory,
) -> None:
    repo = await _repo(uow_factory)
    history = [commit("a"), commit("b", "a"), commit("c", "b"), commit("d", "c")]
    await ingest.add_commits(uow_factory(), PATH, history)
    recorded = [
        await ingest.record_deployment(
            uow_factory(),
            PATH,
            deployment(f"d{day}", name, f"2024-01-0{day}T10:00:00Z"),
        )
        for day, name in ((2, "a"), (3, "b"), (4, "c"), (5, "d"))
    ]
    second, third = (chain_position(stored) for stored, _ in recorded[1:3])
    async with uow_factory() as uow:
        await attribute(uow, repo)
        await uow.commit()

    async with uow_factory() as uow:
        found = await uow.failures.lineage_shipped(repo.id, "production", second, third)

    assert set(found) == {sha("b"), sha("c")}
    assert found[sha("c")].parents == (sha("b"),)
    assert found[sha("b")].shipped_by == second


async def test_members_that_shipped_nothing_and_where_their_sha_shipped(
    uow_factory: UowFactory,
) -> None:
    repo = await _repo(uow_factory)
    await ingest.add_commits(uow_factory(), PATH, [commit("a"), commit("b", "a")])
    first, _ = await ingest.record_deployment(
        uow_factory(), PATH, deployment("d1", "a")
    )
    for item in (
        deployment("d2", "b", "2024-01-03T10:00:00Z"),
        deployment("d3", "a", "2024-01-04T10:00:00Z"),
        deployment("d4", "unknown", "2024-01-05T10:00:00Z"),
        deployment("d5", "a", "2024-02-05T10:00:00Z"),
    ):
        await ingest.record_deployment(uow_factory(), PATH, item)
    async with uow_factory() as uow:
        await attribute(uow, repo)
        await uow.commit()

    async with uow_factory() as uow:
        read = await uow.failures.around([repo.id], "production", *[january()] * 2)
        shas = {repo.id: [sha("a"), sha("unknown")]}
        first_shipped = await uow.failures.first_shipped("production", shas)

    # d5, the chain's neighbour after the window, is read with it.
    assert read.idle == {repo.id: {"d3", "d4", "d5"}}
    assert first_shipped == {
        (repo.id, sha("a")): (at("2024-01-02T10:00:00Z"), first.seq)
    }
