"""Read a local git repository's commit graph and tags with git itself.

Commits are streamed from one `git log` process and handed out in batches,
so a history of any length is never held in memory as a whole.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from dora.domain.errors import DoraError, InvalidParameter
from dora.domain.model import Commit
from dora.domain.releases import ReleaseTag

logger = logging.getLogger(__name__)

# Notes and the stash are refs too, but their commits are not code history.
ALL_REFS = ["--exclude=refs/notes/*", "--exclude=refs/stash", "--all"]
COMMIT_FORMAT = "--format=%H%x00%P%x00%at%x00%ct"
TAG_FORMAT = "%00".join(
    [
        "%(refname:strip=2)",
        "%(objecttype)",
        "%(objectname)",
        "%(*objecttype)",
        "%(*objectname)",
        "%(taggerdate:unix)",
        "%(committerdate:unix)",
        "%(*committerdate:unix)",
    ]
)


class GitHistoryError(DoraError):
    """A git repository cannot be read (missing git, not a repository...)."""


class NotARepository(GitHistoryError, InvalidParameter):
    """The path given is no git repository: the caller's input is wrong."""


def read_commits(path: Path, batch_size: int = 5_000) -> Iterator[list[Commit]]:
    """Yield every commit reachable from any branch or tag, in batches."""
    check_repository(path)
    args = ["-c", "log.showSignature=false", "log", "--no-color", COMMIT_FORMAT]
    batch: list[Commit] = []
    for line in _lines(path, [*args, *ALL_REFS]):
        batch.append(_commit(line))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def count_commits(path: Path) -> int:
    """Count the commits `read_commits` will yield (cheap: no formatting)."""
    check_repository(path)
    output = list(_lines(path, ["rev-list", "--count", *ALL_REFS]))
    return int(output[0]) if output else 0


def read_tags(path: Path) -> list[ReleaseTag]:
    """Return the tags that point (directly or through a tag) at a commit."""
    check_repository(path)
    args = ["for-each-ref", f"--format={TAG_FORMAT}", "refs/tags"]
    tags = [_tag(line) for line in _lines(path, args)]
    return [tag for tag in tags if tag is not None]


def check_repository(path: Path) -> None:
    """Raise `NotARepository` naming the path unless git can read it."""
    if not path.is_dir():
        raise NotARepository(f"PATH: {str(path)!r} is not a directory")
    result = run_git(path, ["rev-parse", "--git-dir"])
    if result.returncode != 0:
        raise NotARepository(f"PATH: {str(path)!r}: {_first(result.stderr)}")


def _commit(line: str) -> Commit:
    sha, parents, authored, committed = line.split("\0")
    return Commit(
        sha=sha,
        parents=tuple(parents.split()),
        committed_at=_instant(committed),
        authored_at=_instant(authored),
    )


def _tag(line: str) -> ReleaseTag | None:
    name, kind, sha, peeled_kind, peeled_sha, tagged, committed, peeled = line.split(
        "\0"
    )
    if kind == "commit":
        return ReleaseTag(name, sha, _instant(committed))
    if kind == "tag" and peeled_kind == "commit":
        # An annotated tag without a tagger line falls back to its commit.
        return ReleaseTag(name, peeled_sha, _instant(tagged or peeled))
    logger.info("tag %s points at a %s, not a commit: skipped", name, peeled_kind)
    return None


def _instant(unix_seconds: str) -> datetime:
    return datetime.fromtimestamp(int(unix_seconds), UTC)


def _lines(path: Path, args: list[str]) -> Iterator[str]:
    """Stream git's output line by line; raise if git fails."""
    with tempfile.TemporaryFile() as errors:
        process = _start(path, args, errors)
        assert process.stdout is not None
        try:
            for line in process.stdout:
                yield line.rstrip("\n")
        finally:
            # Stops git early when the caller stops reading.
            if process.poll() is None:
                process.kill()
            process.stdout.close()
            status = process.wait()
        if status != 0:
            errors.seek(0)
            message = _first(errors.read().decode(errors="replace"))
            raise GitHistoryError(f"git failed to read {str(path)!r}: {message}")


def _start(path: Path, args: list[str], errors: IO[bytes]) -> subprocess.Popen[str]:
    try:
        return subprocess.Popen(
            ["git", "-C", str(path), *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            stdin=subprocess.DEVNULL,
            encoding="utf-8",
            errors="replace",
        )
    except FileNotFoundError:
        raise _git_missing(path) from None


def run_git(path: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run git in `path` without a shell; git missing is a `GitHistoryError`."""
    try:
        return subprocess.run(
            ["git", "-C", str(path), *args],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
    except FileNotFoundError:
        raise _git_missing(path) from None


def _git_missing(path: Path) -> GitHistoryError:
    return GitHistoryError(
        f"git is not installed (or not on PATH): cannot read {str(path)!r}"
    )


def _first(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0].removeprefix("fatal: ") if lines else "no message"
