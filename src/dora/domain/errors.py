"""The errors the domain raises; entrypoints map them to responses."""

from __future__ import annotations

from dataclasses import dataclass


class DoraError(Exception):
    """Base of every error that a caller of the service can cause or see."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidParameter(DoraError):
    """A query parameter or command option has a value the service rejects."""


class NotFound(DoraError):
    """An org, project, repo, deployment or commit does not exist."""


@dataclass(frozen=True)
class Problem:
    """One invalid item of a payload: where it is and what is wrong."""

    path: str
    message: str


class InvalidPayload(DoraError):
    """A body or an imported file holds invalid items; nothing was stored."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


class Unavailable(DoraError):
    """The database cannot be reached right now."""
