"""Protocols over incidents and the deployments failure rules look at.

The reads take every repo of a scope at once and answer grouped by repo id,
so an org's evidence costs a few statements, not a few per repo. Deployment
ids are unique within a repo only, so the ids asked about go by repo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from dora.domain.failures import ChainKey
from dora.domain.incidents import Incident
from dora.domain.model import Deployment
from dora.ports.repositories import TimeRange

# Deployment ids by the repo they belong to.
IdsByRepo = Mapping[int, Sequence[str]]


@dataclass(frozen=True)
class WindowDeployments:
    """The deployments the failure rules look at around a window, by kind.

    `chains` by repo, the chain members finished in the reach and one on
    each side, in chain order; `remediations` by repo, the deployments whose
    `remediates` names a counted chain member finished in the window;
    `failed_attempts` the finish times of the failed deployments finished in
    the window; `idle` by repo, the ids of the chain members that shipped no
    change of their own.
    """

    chains: dict[int, list[Deployment]]
    remediations: dict[int, list[Deployment]]
    failed_attempts: list[datetime]
    idle: dict[int, set[str]]


@dataclass(frozen=True)
class Lineage:
    """A commit's parents, and where in a chain it was first shipped."""

    parents: tuple[str, ...]
    shipped_by: ChainKey


class IncidentRepository(Protocol):
    async def upsert(self, repo_id: int, incident: Incident) -> tuple[Incident, bool]:
        """Store or replace an incident by id; return it and whether it is new."""

    async def around(
        self,
        repo_ids: Sequence[int],
        environment: str,
        window: TimeRange,
        reach: TimeRange,
    ) -> dict[int, list[Incident]]:
        """Return, by repo, the incidents the rules look at around a window.

        First those naming a counted chain member finished in the window,
        then those naming no deployment and started in the reach, each in
        order of start.
        """


class FailureEvidenceReader(Protocol):
    """Indexed reads around a window, so no read loads a repo's whole history."""

    async def around(
        self,
        repo_ids: Sequence[int],
        environment: str,
        window: TimeRange,
        reach: TimeRange,
    ) -> WindowDeployments:
        """Return the chains of the reach and the window's remedies and failures."""

    async def by_ids(self, wanted: IdsByRepo) -> dict[int, list[Deployment]]:
        """Return, by repo, the deployments with the wanted ids."""

    async def first_shipped(
        self, environment: str, wanted: IdsByRepo
    ) -> dict[tuple[int, str], ChainKey]:
        """Return where each wanted sha of a repo was first shipped, if it was."""

    async def lineage_shipped(
        self, repo_id: int, environment: str, since: ChainKey, until: ChainKey
    ) -> dict[str, Lineage]:
        """Return the commits first shipped from `since` to `until`, both in."""
