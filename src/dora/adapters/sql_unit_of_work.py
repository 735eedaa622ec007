"""One database transaction over every SQL repository."""

from __future__ import annotations

import logging
from typing import Self

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dora.adapters.sql_attribution import SqlAttributionStore
from dora.adapters.sql_catalog import SqlRepoCatalog
from dora.adapters.sql_computed import SqlShippedChangeRepository, SqlSnapshotRepository
from dora.adapters.sql_copy import refresh_statistics
from dora.adapters.sql_failures import SqlFailureEvidenceReader
from dora.adapters.sql_faults import is_unreachable, unavailable
from dora.adapters.sql_incidents import SqlIncidentRepository
from dora.adapters.sql_repositories import SqlCommitRepository, SqlDeploymentRepository
from dora.ports.attribution import AttributionStore
from dora.ports.failures import FailureEvidenceReader, IncidentRepository
from dora.ports.repositories import (
    CommitRepository,
    DeploymentRepository,
    RepoCatalog,
    ShippedChangeRepository,
    SnapshotRepository,
)

logger = logging.getLogger(__name__)


class SqlUnitOfWork:
    """A session per `async with`; leaving it without `commit()` rolls back."""

    repos: RepoCatalog
    commits: CommitRepository
    deployments: DeploymentRepository
    changes: ShippedChangeRepository
    snapshots: SnapshotRepository
    incidents: IncidentRepository
    failures: FailureEvidenceReader
    attribution: AttributionStore

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory

    async def __aenter__(self) -> Self:
        self.session = self.session_factory()
        self.repos = SqlRepoCatalog(self.session)
        self.commits = SqlCommitRepository(self.session)
        self.deployments = SqlDeploymentRepository(self.session)
        self.changes = SqlShippedChangeRepository(self.session)
        self.snapshots = SqlSnapshotRepository(self.session)
        self.incidents = SqlIncidentRepository(self.session)
        self.failures = SqlFailureEvidenceReader(self.session)
        self.attribution = SqlAttributionStore(self.session)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        error = exc_info[1]
        try:
            # Closing rolls back whatever was not committed.
            await self.session.close()
        except Exception as closing:
            if error is None:
                self._translate(closing)
                raise
            logger.debug("closing a failed session also failed: %s", closing)
        if isinstance(error, BaseException):
            self._translate(error)

    async def commit(self) -> None:
        await self.session.commit()
        await refresh_statistics(self.session)

    async def rollback(self) -> None:
        await self.session.rollback()

    async def ping(self) -> None:
        # Reading the schema's revision, not just `SELECT 1`, also catches a
        # database recreated empty under the running service.
        await self.session.execute(text("SELECT version_num FROM alembic_version"))

    def _translate(self, error: BaseException) -> None:
        """Raise `Unavailable` in place of an error of an unreachable database."""
        if is_unreachable(error):
            kind = self.session.get_bind().dialect.name
            raise unavailable(kind, error) from error
