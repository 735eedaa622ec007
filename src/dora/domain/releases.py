"""Release tags of a git history, read as the deployments they stand for."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from dora.domain.model import Deployment, Status
from dora.domain.validation import DEPLOYMENT_ID

TAG_PREFIX = "tag:"


@dataclass(frozen=True)
class ReleaseTag:
    """A tag on a commit; `released_at` is when the release was cut."""

    name: str
    sha: str
    released_at: datetime


def tag_deployments(
    tags: Iterable[ReleaseTag],
    environment: str,
    pattern: str = "*",
    baseline_before: datetime | None = None,
) -> list[Deployment]:
    """Turn matching tags into successful deployments, oldest first.

    With `baseline_before`, the last tag released before it becomes the
    baseline of the chain and older tags are left out, so the first tracked
    release is not charged with the whole earlier history.
    """
    chosen = sorted(
        (tag for tag in tags if _wanted(tag, pattern)),
        key=lambda tag: (tag.released_at, tag.name),
    )
    baseline = _baseline_index(chosen, baseline_before)
    start = 0 if baseline is None else baseline
    return [
        _deployment(tag, environment, baseline=i == baseline)
        for i, tag in enumerate(chosen[start:], start)
    ]


def _wanted(tag: ReleaseTag, pattern: str) -> bool:
    deployment_id = TAG_PREFIX + tag.name
    return fnmatch.fnmatchcase(tag.name, pattern) and bool(
        DEPLOYMENT_ID.fullmatch(deployment_id)
    )


def _baseline_index(tags: list[ReleaseTag], before: datetime | None) -> int | None:
    if before is None:
        return None
    older = [i for i, tag in enumerate(tags) if tag.released_at < before]
    return older[-1] if older else None


def _deployment(tag: ReleaseTag, environment: str, baseline: bool) -> Deployment:
    return Deployment(
        id=TAG_PREFIX + tag.name,
        sha=tag.sha,
        environment=environment,
        status=Status.SUCCESS,
        finished_at=tag.released_at,
        baseline=baseline,
    )
