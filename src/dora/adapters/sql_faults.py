"""Which database errors are the database's fault, and what to tell the caller.

An error listed here is answered 503 `unavailable`: the request was fine and
may be tried again. Anything else is a bug and stays an error.
"""

from __future__ import annotations

import logging

from sqlalchemy import exc

from dora.domain.errors import Unavailable

logger = logging.getLogger(__name__)

UNREACHABLE = (exc.OperationalError, exc.InterfaceError, OSError)
# SQLSTATEs of PostgreSQL: a canceled statement (the statement timeout), and
# transactions that lost a deadlock or a serialization conflict.
CANCELED = "57014"
CONFLICTS = frozenset({"40P01", "40001"})
UNDEFINED_TABLE = "42P01"


def is_unreachable(error: BaseException) -> bool:
    """Whether the error says the database, not the request, is at fault."""
    return fault_of(error, "database") is not None


def unavailable(kind: str, error: BaseException) -> Unavailable:
    fault = fault_of(error, kind) or Unavailable(f"database: {kind} failed")
    logger.warning("database %s: %s (%s)", kind, fault.message, error)
    return fault


def fault_of(error: BaseException, kind: str) -> Unavailable | None:
    """Return the `Unavailable` that `error` amounts to, or None for a bug."""
    state = getattr(getattr(error, "orig", None), "sqlstate", None)
    if state == CANCELED:
        return Unavailable(
            "database: a statement ran past the statement timeout and was "
            "canceled; ask for less, or try again later"
        )
    if state in CONFLICTS:
        return Unavailable(
            "database: the transaction conflicted with a concurrent one; try again"
        )
    if isinstance(error, exc.TimeoutError):
        return Unavailable(
            f"database: no {kind} connection came free in time; try again later"
        )
    if isinstance(error, exc.OperationalError) and "database is locked" in str(error):
        return Unavailable(
            f"database: {kind} stayed locked by another writer; try again"
        )
    if state == UNDEFINED_TABLE:
        return Unavailable(
            f"database: the {kind} schema is missing (was the database "
            "recreated?); restart the service to migrate it"
        )
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return Unavailable(f"database: {kind} cannot be reached")
    if isinstance(error, UNREACHABLE):
        return Unavailable(f"database: {kind} cannot be reached")
    return None
