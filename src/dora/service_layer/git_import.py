"""Import a git history: commits batch by batch, then release deployments."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from dora.domain.model import Commit, Deployment, RepoPath
from dora.domain.window import FIRST_YEAR, LAST_YEAR
from dora.ports.repositories import UnitOfWork
from dora.service_layer import ingest

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]
Units = Callable[[], Awaitable[UnitOfWork]]


@dataclass(frozen=True)
class GitImport:
    """What an import read and how much of it was new."""

    commits_read: int
    commits_inserted: int
    commits_skipped: int
    deployments: int
    deployments_created: int


async def import_git(
    units: Units,
    path: RepoPath,
    batches: Iterable[Sequence[Commit]],
    deployments: Sequence[Deployment],
    progress: Progress | None = None,
) -> GitImport:
    """Store commit batches, each in its own unit of work, then deployments.

    Deployments come last so that each finds its commit stored; a failed
    import can simply be run again, as nothing is stored twice.
    """
    await ingest.put_repo(await units(), path)
    read = inserted = skipped = 0
    for batch in batches:
        usable = [commit for commit in batch if _in_supported_years(commit)]
        inserted += await ingest.add_commits(await units(), path, usable)
        read += len(batch)
        skipped += len(batch) - len(usable)
        if progress is not None:
            progress(len(batch))

    _, created = await ingest.import_history(await units(), path, [], deployments)

    if skipped:
        logger.warning(
            "%s: %d commits dated outside the supported years", path, skipped
        )
    return GitImport(read, inserted, skipped, len(deployments), created)


def _in_supported_years(commit: Commit) -> bool:
    # The API rejects such dates; a bogus clock in one commit of a long
    # history should not stop the import of all the others.
    return all(
        FIRST_YEAR <= moment.year <= LAST_YEAR
        for moment in (commit.committed_at, commit.authored_at)
    )
