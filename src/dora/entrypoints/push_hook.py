"""A git post-receive hook that sends newly pushed commits to the service.

`dora hook install` copies this module, as it is, into a repository's hooks
with a call to `main` appended, so it must use the standard library only:
the hook runs in whatever environment the git server has. It never rejects
a push; when the service cannot be reached it warns on stderr and moves on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from typing import Any

BATCH = 5_000
CONNECT_TIMEOUT = 1.0  # a push must not wait on a service that is down
SEND_TIMEOUT = 30.0  # once it answered, a big batch may take a while to store
FORMAT = "--format=%H%x00%P%x00%aI%x00%cI"


class ServiceError(Exception):
    """The service could not be reached or refused a request."""


def main(url: str, repo: str, lines: Iterable[str] | None = None) -> int:
    """Send the commits of the ref updates read from stdin; always return 0."""
    updates = [line.split() for line in (sys.stdin if lines is None else lines)]
    updates = [update for update in updates if len(update) == 3]
    try:
        send(url.rstrip("/") + "/api/v1/repos/" + repo, pushed_commits(updates))
    except Exception as error:
        # The refs are updated already: whatever went wrong, the push stands.
        # TODO(service down during a push): later pushes do not resend these
        # commits; `dora import-git` on the repository fills the gap.
        print(f"dora: commits not recorded ({error})", file=sys.stderr)
    return 0


def pushed_commits(updates: list[list[str]]) -> Iterator[dict[str, Any]]:
    """Yield the commits that the updates made reachable for the first time."""
    new = [new for _, new, _ in updates if not _zero(new)]
    if not new:
        return
    before = [old for old, _, _ in updates if not _zero(old)]
    updated = {ref for _, _, ref in updates}
    untouched = [ref for ref in _refs() if ref not in updated]
    revisions = [*new, *("^" + rev for rev in [*before, *untouched])]
    yield from _log(revisions)


def send(base: str, commits: Iterator[dict[str, Any]]) -> None:
    batch = _batches(commits)
    first = next(batch, None)
    if first is None:
        return
    request("PUT", base, {}, CONNECT_TIMEOUT)
    for commits_batch in [first, *batch]:
        request("POST", base + "/commits", {"commits": commits_batch}, SEND_TIMEOUT)


def request(method: str, url: str, body: dict[str, Any], timeout: float) -> None:
    headers = {"Content-Type": "application/json"}
    token = os.environ.get("DORA_TOKEN")
    if token:
        headers["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode()
    call = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(call, timeout=timeout) as answer:
            answer.read()
    except urllib.error.HTTPError as error:
        raise ServiceError(f"{method} {url}: HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError) as error:
        raise ServiceError(f"{url} unreachable: {_reason(error)}") from None


def _refs() -> list[str]:
    output = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return output.split()


def _log(revisions: list[str]) -> Iterator[dict[str, Any]]:
    # Revisions go through stdin: a push may update more refs than fit a
    # command line.
    command = ["git", "-c", "log.showSignature=false", "log", FORMAT, "--stdin"]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write("".join(rev + "\n" for rev in revisions))
        process.stdin.close()
        for line in process.stdout:
            sha, parents, authored, committed = line.rstrip("\n").split("\0")
            yield {
                "sha": sha,
                "parents": parents.split(),
                "authored_at": authored,
                "committed_at": committed,
            }


def _batches(items: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _zero(sha: str) -> bool:
    return sha.strip("0") == ""


def _reason(error: Exception) -> str:
    reason = getattr(error, "reason", error)
    return str(reason) or type(reason).__name__
