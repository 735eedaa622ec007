"""The stored state of incremental attribution, per chain of a repo."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from dora.domain.chains import ChainPosition, Shipment
from dora.domain.model import Commit, Deployment


@dataclass(frozen=True)
class Found:
    """The commits found among some shas, and which were already shipped."""

    commits: dict[str, Commit]
    shipped: set[str]


class AttributionStore(Protocol):
    """Each chain's attributed prefix, the gaps its walks hit, and look-ups.

    A chain's stored shipments are valid up to its `attributed` position:
    every member at or before it is attributed, none after it is.
    """

    async def chains(self, repo_id: int) -> dict[str, ChainPosition | None]:
        """Return each known chain's attributed position (`None`: nothing)."""

    async def invalidate(self, repo_id: int, stale: dict[str, ChainPosition]) -> None:
        """Move each chain's attributed position before its stale position."""

    async def fill_gaps(self, repo_id: int, shas: Sequence[str]) -> None:
        """Invalidate every chain whose walk stopped at one of these shas."""

    async def discard_after(
        self, repo_id: int, environment: str, attributed: ChainPosition | None
    ) -> None:
        """Delete the shipments and gaps recorded after a chain's position."""

    async def pending(
        self, repo_id: int, environment: str, attributed: ChainPosition | None
    ) -> list[Deployment]:
        """Return the chain's members after the position, in chain order."""

    async def count_pending(
        self, repo_id: int, environment: str, attributed: ChainPosition | None
    ) -> int:
        """Return how many members the chain has after the position."""

    async def look_up(self, repo_id: int, environment: str, shas: set[str]) -> Found:
        """Return the known commits among `shas` and which the chain shipped."""

    async def shipped(self, repo_id: int, environment: str) -> set[str]:
        """Return every sha the chain has shipped so far."""

    async def record(
        self, repo_id: int, environment: str, shipments: Sequence[Shipment]
    ) -> None:
        """Store the shipments and gaps of chain members, and advance the chain."""
