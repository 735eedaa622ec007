"""Which deployments of a chain segment rolled back their predecessor.

A deployment rolls back its predecessor when its sha is a proper ancestor of
the predecessor's. The stored attribution answers most pairs at once: a
deployment whose sha was first shipped by itself moved forward, and the read
of the chain marks the others, which shipped nothing; one whose sha was first
shipped by the predecessor went back. Only a return to a commit shipped
earlier still needs a walk, and a walk skips every commit shipped before its
target was: such a commit cannot reach it. So the commits first shipped
between the earliest target and the latest start are all the walks of a repo
can visit, read in one statement.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence

from dora.domain.failures import ChainKey, chain_position
from dora.domain.model import Deployment
from dora.ports.failures import FailureEvidenceReader, Lineage

Pair = tuple[Deployment, Deployment]


async def rollbacks(
    reader: FailureEvidenceReader,
    environment: str,
    segments: Mapping[int, Sequence[Deployment]],
    idle: Mapping[int, Collection[str]],
) -> dict[int, frozenset[str]]:
    """Return by repo the ids of members that rolled back their predecessor.

    `idle` holds by repo the ids of the members that shipped nothing of their
    own: only those may have gone back.
    """
    pairs = {repo_id: _pairs(segment) for repo_id, segment in segments.items()}
    pairs = {repo_id: found for repo_id, found in pairs.items() if found}
    if not pairs:
        return {}
    returned = await _returns(reader, environment, pairs, idle)
    return {
        repo_id: await _rolled_back(
            reader, repo_id, environment, found, returned.get(repo_id, {})
        )
        for repo_id, found in pairs.items()
    }


async def _returns(
    reader: FailureEvidenceReader,
    environment: str,
    pairs: Mapping[int, Sequence[Pair]],
    idle: Mapping[int, Collection[str]],
) -> dict[int, dict[str, ChainKey]]:
    """Return by repo and member id where an idle later member's sha shipped."""
    later = {
        repo_id: [d for _, d in found if d.id in idle.get(repo_id, ())]
        for repo_id, found in pairs.items()
    }
    wanted = {r: [d.sha for d in members] for r, members in later.items() if members}
    first = await reader.first_shipped(environment, wanted) if wanted else {}
    return {
        repo_id: {
            d.id: first[repo_id, d.sha] for d in members if (repo_id, d.sha) in first
        }
        for repo_id, members in later.items()
    }


def _pairs(segment: Sequence[Deployment]) -> list[Pair]:
    return [
        (earlier, later)
        for earlier, later in itertools.pairwise(segment)
        if earlier.sha != later.sha and earlier.environment == later.environment
    ]


async def _rolled_back(
    reader: FailureEvidenceReader,
    repo_id: int,
    environment: str,
    pairs: Sequence[Pair],
    returned: Mapping[str, ChainKey],
) -> frozenset[str]:
    found: set[str] = set()
    walks: list[tuple[Pair, ChainKey]] = []
    for earlier, later in pairs:
        shipped_by = returned.get(later.id)
        if shipped_by is None or shipped_by > chain_position(earlier):
            continue
        if shipped_by == chain_position(earlier):
            found.add(later.id)
        else:
            walks.append(((earlier, later), shipped_by))
    if walks:
        since = min(shipped_by for _, shipped_by in walks)
        until = max(chain_position(earlier) for (earlier, _), _ in walks)
        lineage = await reader.lineage_shipped(repo_id, environment, since, until)
        found.update(
            later.id
            for (earlier, later), shipped_by in walks
            if _reaches(lineage, earlier.sha, later.sha, shipped_by)
        )
    return frozenset(found)


def _reaches(
    lineage: Mapping[str, Lineage], start: str, sha: str, shipped_by: ChainKey
) -> bool:
    """Whether `sha`, first shipped at `shipped_by`, is an ancestor of `start`.

    Every ancestor of `start` is in `lineage` unless it was first shipped
    before the earliest target of the repo's walks; one shipped before this
    target cannot reach it either.
    """
    frontier = [start]
    seen = set(frontier)
    while frontier:
        parents = [
            parent
            for current in frontier
            if current in lineage and lineage[current].shipped_by >= shipped_by
            for parent in lineage[current].parents
        ]
        if sha in parents:
            return True
        frontier = [p for p in dict.fromkeys(parents) if p not in seen]
        seen.update(frontier)
    return False
