"""The renovate export, read and checked as `dora import` reads it."""

from __future__ import annotations

from dataclasses import dataclass

from dora.domain.model import Commit, Deployment, RepoPath
from dora.entrypoints.cli_import import read_history

from .support import shared_dir

PATH = RepoPath("renovatebot", "web", "renovate")


@dataclass(frozen=True)
class Export:
    commits: list[Commit]
    deployments: list[Deployment]


def read_renovate() -> Export:
    history = read_history(shared_dir() / "data" / "renovate", lambda _: None)
    history.check(shared_dir() / "data" / "renovate")
    return Export(list(history.commits.values()), history.deployments)
