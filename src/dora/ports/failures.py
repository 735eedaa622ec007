"""Protocols over incidents and the deployments failure rules look at."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from dora.domain.failures import ChainKey
from dora.domain.incidents import Incident
from dora.domain.model import Deployment
from dora.ports.repositories import TimeRange


@dataclass(frozen=True)
class Lineage:
    """A commit's parents, and where in a chain it was first shipped."""

    parents: tuple[str, ...]
    shipped_by: ChainKey | None


class IncidentRepository(Protocol):
    async def upsert(self, repo_id: int, incident: Incident) -> tuple[Incident, bool]:
        """Store or replace an incident by id; return it and whether it is new."""

    async def linked_to(
        self, repo_id: int, deployment_ids: Sequence[str]
    ) -> list[Incident]:
        """Return the incidents that name one of these deployments."""

    async def unlinked(
        self, repo_id: int, environment: str, during: TimeRange
    ) -> list[Incident]:
        """Return the incidents naming no deployment that started in the range."""


class FailureEvidenceReader(Protocol):
    """Indexed reads around a window, so no read loads a repo's whole history."""

    async def chain_around(
        self, repo_id: int, environment: str, during: TimeRange
    ) -> list[Deployment]:
        """Return the chain members finished in the range and one on each side."""

    async def naming(
        self, repo_id: int, deployment_ids: Sequence[str]
    ) -> list[Deployment]:
        """Return the deployments whose `remediates` names one of these."""

    async def by_ids(
        self, repo_id: int, deployment_ids: Sequence[str]
    ) -> list[Deployment]:
        """Return the deployments with these ids."""

    async def failed_attempts(
        self, repo_id: int, environment: str, during: TimeRange
    ) -> list[datetime]:
        """Return the finish times of failed deployments finished in the range."""

    async def returns(
        self, repo_id: int, environment: str, during: TimeRange
    ) -> dict[str, ChainKey]:
        """Return, by member id, where an earlier member first shipped its sha."""

    async def lineage(
        self, repo_id: int, environment: str, shas: Sequence[str]
    ) -> dict[str, Lineage]:
        """Return the known commits among `shas` with their first shipment."""
