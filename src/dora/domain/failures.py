"""Failed changes: which counted deployments failed, and when they recovered.

A counted deployment failed when the next deployment of its chain rolled it
back (went to a proper ancestor of its sha), when a later deployment names
it in `remediates` (fixed it forward), or when an incident names it or, naming
none, started within a day after it while it was the latest deployment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from dora.domain.incidents import Incident
from dora.domain.model import Deployment

# How long after a deployment an unlinked incident is still blamed on it.
BLAME_SPAN = timedelta(hours=24)

ChainKey = tuple[datetime, int]


def chain_position(deployment: Deployment) -> ChainKey:
    """Order chain members by finish time, ties by the order received."""
    assert deployment.finished_at is not None
    return (deployment.finished_at, deployment.seq)


@dataclass(frozen=True)
class Evidence:
    """What the rules need about one repo and environment around a window.

    `segment` is a run of consecutive chain members, in chain order, that
    covers the window, a day after it, and one member on either side.
    `rollbacks` holds the ids of members whose sha is a proper ancestor of
    their predecessor's; `remediations` the deployments naming others in
    `remediates`; `remediated` the deployments named by the segment's members.
    """

    segment: Sequence[Deployment]
    rollbacks: frozenset[str] = frozenset()
    remediations: Sequence[Deployment] = ()
    remediated: Mapping[str, Deployment] = field(default_factory=dict)
    incidents: Sequence[Incident] = ()


class Outcome(NamedTuple):
    """What became of one counted deployment (a tuple: there is one per row)."""

    finished_at: datetime
    failed: bool = False
    recovered_at: datetime | None = None
    rework: bool = False

    @property
    def recovery_seconds(self) -> float | None:
        """Time to recovery; an incident resolved before the finish counts 0."""
        if not self.failed or self.recovered_at is None:
            return None
        return max((self.recovered_at - self.finished_at).total_seconds(), 0.0)


def judge(evidence: Evidence, start: datetime, end: datetime) -> list[Outcome]:
    """Return the outcome of every counted deployment finished in [start, end)."""
    members = list(evidence.segment)
    remedies = _remedies_by_target(evidence)
    blamed = _incidents_by_deployment(members, evidence.incidents)
    outcomes = []
    for index, deployment in enumerate(members):
        finished = deployment.finished_at
        if not deployment.counted or finished is None or not start <= finished < end:
            continue
        successor = members[index + 1] if index + 1 < len(members) else None
        rolled_back_by = (
            successor
            if successor is not None and successor.id in evidence.rollbacks
            else None
        )
        outcomes.append(
            _outcome(
                deployment,
                rolled_back_by,
                remedies.get(deployment.id, []),
                blamed.get(deployment.id, []),
                _is_rework(deployment, evidence),
            )
        )
    return outcomes


def _outcome(
    deployment: Deployment,
    rolled_back_by: Deployment | None,
    remedies: list[Deployment],
    incidents: list[Incident],
    rework: bool,
) -> Outcome:
    assert deployment.finished_at is not None
    failed = rolled_back_by is not None or bool(remedies) or bool(incidents)
    if not failed:
        return Outcome(deployment.finished_at, rework=rework)
    # Only a deployment that completed ends the failure; a failed attempt
    # to fix forward still says that a fix was needed.
    fixes_done = [d for d in (rolled_back_by, *remedies) if d is not None]
    ends = [d.finished_at for d in fixes_done if d.in_chain and d.finished_at]
    ends += [i.resolved_at for i in incidents if i.resolved_at is not None]
    return Outcome(
        finished_at=deployment.finished_at,
        failed=True,
        recovered_at=min(ends) if ends else None,
        rework=rework,
    )


def _remedies_by_target(evidence: Evidence) -> dict[str, list[Deployment]]:
    by_id = {d.id: d for d in evidence.segment}
    remedies: dict[str, list[Deployment]] = defaultdict(list)
    for remedy in evidence.remediations:
        target = by_id.get(remedy.remediates or "")
        if target is not None and fixes(remedy, target):
            remedies[target.id].append(remedy)
    return remedies


def fixes(remedy: Deployment, target: Deployment) -> bool:
    """Whether `remedy` validly fixes `target` forward.

    It must be another deployment of the same environment and, when both
    completed, come after it in the chain.
    """
    if remedy.id == target.id or remedy.environment != target.environment:
        return False
    if remedy.in_chain and target.in_chain:
        return chain_position(remedy) > chain_position(target)
    return True


def _is_rework(deployment: Deployment, evidence: Evidence) -> bool:
    if deployment.id in evidence.rollbacks:
        return True
    target = evidence.remediated.get(deployment.remediates or "")
    return target is not None and fixes(deployment, target)


def _incidents_by_deployment(
    members: Sequence[Deployment], incidents: Sequence[Incident]
) -> dict[str, list[Incident]]:
    blamed: dict[str, list[Incident]] = defaultdict(list)
    for incident in incidents:
        culprit = incident.deployment_id or _latest_before(members, incident)
        if culprit is not None:
            blamed[culprit].append(incident)
    return blamed


def _latest_before(members: Sequence[Deployment], incident: Incident) -> str | None:
    """Return the id of the deployment an unlinked incident is blamed on."""
    latest = None
    for member in members:
        assert member.finished_at is not None
        if member.environment != incident.environment:
            continue
        if member.finished_at >= incident.started_at:
            break
        latest = member
    if latest is None or latest.finished_at is None:
        return None
    if incident.started_at - latest.finished_at > BLAME_SPAN:
        return None
    return latest.id
