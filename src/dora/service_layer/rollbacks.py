"""Which deployments of a chain segment rolled back their predecessor.

A deployment rolls back its predecessor when its sha is a proper ancestor of
the predecessor's. The stored attribution answers most pairs at once: a
deployment whose sha was first shipped by itself moved forward, and one read
leaves those out; one whose sha was first shipped by the predecessor went
back. Only a return to a commit shipped earlier still needs a walk, and that
walk skips every commit shipped before the target was: such a commit cannot
reach it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta

from dora.domain.failures import ChainKey, chain_position
from dora.domain.model import Deployment
from dora.ports.failures import FailureEvidenceReader
from dora.ports.repositories import TimeRange

# The smallest step of a stored instant: a range ending this far after the
# last member holds it.
INSTANT = timedelta(microseconds=1)

Pair = tuple[Deployment, Deployment]


async def rollbacks(
    reader: FailureEvidenceReader,
    environment: str,
    segments: Mapping[int, Sequence[Deployment]],
) -> dict[int, frozenset[str]]:
    """Return by repo the ids of members that rolled back their predecessor."""
    pairs = {repo_id: _pairs(segment) for repo_id, segment in segments.items()}
    pairs = {repo_id: found for repo_id, found in pairs.items() if found}
    if not pairs:
        return {}
    returned = await reader.returns(list(pairs), environment, _span(pairs.values()))
    return {
        repo_id: await _rolled_back(reader, repo_id, found, returned.get(repo_id, {}))
        for repo_id, found in pairs.items()
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
    pairs: Sequence[Pair],
    returned: Mapping[str, ChainKey],
) -> frozenset[str]:
    found = set()
    for earlier, later in pairs:
        shipped_by = returned.get(later.id)
        if shipped_by is not None and await _reaches(
            reader, repo_id, earlier, later.sha, shipped_by
        ):
            found.add(later.id)
    return frozenset(found)


def _span(pairs: Iterable[Sequence[Pair]]) -> TimeRange:
    """Return the range that holds the later member of every pair of every repo.

    The segments all cover the same window, so one range over them all reads
    little more than each repo's own: the extra members it names are never
    looked up.
    """
    ordered = list(pairs)
    first = min(chain_position(found[0][1]) for found in ordered)
    last = max(chain_position(found[-1][1]) for found in ordered)
    return TimeRange(first[0], last[0] + INSTANT)


async def _reaches(
    reader: FailureEvidenceReader,
    repo_id: int,
    earlier: Deployment,
    sha: str,
    shipped_by: ChainKey,
) -> bool:
    """Whether `sha`, first shipped at `shipped_by`, is an ancestor of earlier's."""
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
