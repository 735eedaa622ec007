"""Which deployments of a chain segment rolled back their predecessor.

A deployment rolls back its predecessor when its sha is a proper ancestor of
the predecessor's. The stored attribution answers most pairs at once: a
deployment whose sha was first shipped by itself moved forward; one whose sha
was first shipped by the predecessor went back. Only a return to a commit
shipped earlier still needs a walk, and that walk skips every commit shipped
before the target was: such a commit cannot reach it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from dora.domain.failures import ChainKey, chain_position
from dora.domain.model import Deployment
from dora.ports.failures import FailureEvidenceReader, Lineage


async def rollbacks(
    reader: FailureEvidenceReader,
    repo_id: int,
    segment: Sequence[Deployment],
) -> frozenset[str]:
    """Return the ids of segment members that rolled back their predecessor."""
    pairs = [
        (earlier, later)
        for earlier, later in itertools.pairwise(segment)
        if earlier.sha != later.sha and earlier.environment == later.environment
    ]
    if not pairs:
        return frozenset()
    environment = pairs[0][0].environment
    targets = await reader.lineage(repo_id, environment, [b.sha for _, b in pairs])
    found = set()
    for earlier, later in pairs:
        target = targets.get(later.sha)
        if target is not None and await _reaches(
            reader, repo_id, earlier, later.sha, target
        ):
            found.add(later.id)
    return frozenset(found)


async def _reaches(
    reader: FailureEvidenceReader,
    repo_id: int,
    earlier: Deployment,
    sha: str,
    target: Lineage,
) -> bool:
    """Whether `sha` is a proper ancestor of the sha `earlier` deployed."""
    shipped_by = target.shipped_by
    if shipped_by is None:
        return False
    here = chain_position(earlier)
    if shipped_by > here:
        return False
    if shipped_by == here:
        return True
    return await _walk(reader, repo_id, earlier, sha, shipped_by)


async def _walk(
    reader: FailureEvidenceReader,
    repo_id: int,
    earlier: Deployment,
    sha: str,
    shipped_by: ChainKey,
) -> bool:
    frontier = [earlier.sha]
    seen = set(frontier)
    while frontier:
        found = await reader.lineage(repo_id, earlier.environment, frontier)
        frontier = []
        for lineage in found.values():
            # A commit shipped before the target was cannot reach it.
            if lineage.shipped_by is None or lineage.shipped_by < shipped_by:
                continue
            if sha in lineage.parents:
                return True
            fresh = [p for p in lineage.parents if p not in seen]
            seen.update(fresh)
            frontier.extend(fresh)
    return False
