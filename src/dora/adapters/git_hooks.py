"""Install hook scripts into a git repository's hooks directory."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

from dora.adapters.git_history import run_git
from dora.domain.errors import DoraError, InvalidParameter

logger = logging.getLogger(__name__)


class HookError(DoraError):
    """A hook cannot be installed where it was asked to go."""


class NotARepository(HookError, InvalidParameter):
    """The directory given is no git repository: the caller's input is wrong."""


def install_hook(git_dir: Path, name: str, script: str, force: bool = False) -> Path:
    """Write an executable hook; refuse to replace a different one unforced."""
    target = hooks_dir(git_dir) / name
    if target.is_dir():
        raise HookError(f"GIT_DIR: {str(target)!r} is a directory")
    if target.exists() and target.read_text(errors="replace") != script and not force:
        raise HookError(
            f"GIT_DIR: {str(target)!r} exists and differs; use --force to replace it"
        )
    try:
        _write_executable(target, script)
    except OSError as error:
        raise HookError(
            f"GIT_DIR: {str(target)!r} cannot be written ({error.strerror or error})"
        ) from None
    logger.info("installed %s", target)
    return target


def _write_executable(target: Path, script: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(script)
    target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def hooks_dir(git_dir: Path) -> Path:
    """Return where git looks for the repository's hooks (core.hooksPath too)."""
    if not git_dir.is_dir():
        raise NotARepository(f"GIT_DIR: {str(git_dir)!r} is not a directory")
    result = run_git(git_dir, ["rev-parse", "--git-path", "hooks"])
    if result.returncode != 0:
        raise NotARepository(f"GIT_DIR: {str(git_dir)!r} is not a git repository")
    return git_dir / result.stdout.strip()
