"""Real git repositories for tests, made with the git binary.

Identity and dates come from environment variables, so no global git
configuration is read or written.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def git_env(when: str | None = None, authored: str | None = None) -> dict[str, str]:
    """Return an environment giving git an identity and, if set, fixed dates."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ada Tester",
        "GIT_AUTHOR_EMAIL": "ada@example.invalid",
        "GIT_COMMITTER_NAME": "Ada Tester",
        "GIT_COMMITTER_EMAIL": "ada@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    if when is not None:
        env["GIT_COMMITTER_DATE"] = when
        env["GIT_AUTHOR_DATE"] = authored or when
    return env


def git(
    cwd: Path, *args: str, when: str | None = None, authored: str | None = None
) -> str:
    """Run git in `cwd` and return its output, stripped."""
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=git_env(when, authored),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


class GitRepo:
    """A working repository on branch `main`."""

    def __init__(self, path: Path, init: bool = True) -> None:
        self.path = path
        if init:
            path.mkdir(parents=True, exist_ok=True)
            git(path, "init", "-q", "-b", "main")

    def commit(self, message: str, when: str, authored: str | None = None) -> str:
        """Commit a change dated `when` (committer) and return its sha."""
        # One file per message: branches never conflict when merged.
        name = message.replace(" ", "-") + ".txt"
        with (self.path / name).open("a") as change:
            change.write(message + "\n")
        git(self.path, "add", name)
        git(self.path, "commit", "-q", "-m", message, when=when, authored=authored)
        return self.head()

    def head(self) -> str:
        return git(self.path, "rev-parse", "HEAD")

    def run(self, *args: str, when: str | None = None) -> str:
        return git(self.path, *args, when=when)
