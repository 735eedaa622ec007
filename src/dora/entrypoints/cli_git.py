"""Commands that bring git data in: `import-git`, `hook install` and `deploy`."""

from __future__ import annotations

import json
import sys
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import click

from dora.adapters import git_history, git_hooks, rest_client
from dora.domain.errors import InvalidParameter
from dora.domain.model import DEFAULT_ENVIRONMENT, SHA, RepoPath, Status
from dora.domain.releases import tag_deployments
from dora.domain.validation import check_environment
from dora.entrypoints import push_hook
from dora.entrypoints.cli_moments import parse_cutoff, parse_moment
from dora.entrypoints.cli_progress import commit_progress
from dora.entrypoints.cli_support import run_with_container
from dora.entrypoints.wiring import unit_of_work
from dora.service_layer.git_import import GitImport, import_git

DEFAULT_URL = "http://127.0.0.1:8080"
HOOK_CALL = """

if __name__ == "__main__":
    sys.exit(main({url!r}, {repo!r}))
"""


@click.command("import-git")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--repo", required=True, help="Where to store it: org/project/repo.")
@click.option("--tags", default="*", show_default=True, help="Release tag glob.")
@click.option("--environment", default=DEFAULT_ENVIRONMENT, show_default=True)
@click.option(
    "--baseline-before",
    metavar="DATE",
    help="Post the last tag before DATE as a baseline; skip older tags.",
)
def import_git_command(
    path: Path, repo: str, tags: str, environment: str, baseline_before: str | None
) -> None:
    """Import a local git repository's commits and release tags."""
    target = RepoPath.parse(repo, "--repo")
    check_environment(environment)
    cutoff = parse_cutoff(baseline_before, "--baseline-before")
    releases = tag_deployments(git_history.read_tags(path), environment, tags, cutoff)
    total = git_history.count_commits(path)

    with commit_progress(total) as advance:
        result = run_with_container(
            lambda container: import_git(
                lambda: unit_of_work(container),
                target,
                git_history.read_commits(path),
                releases,
                advance,
            )
        )

    click.echo(_summary(target, result))


def _summary(target: RepoPath, result: GitImport) -> str:
    skipped = f", {result.commits_skipped} skipped" if result.commits_skipped else ""
    return (
        f"imported {target}: {result.commits_inserted} of {result.commits_read} "
        f"commits new{skipped}, {result.deployments_created} of "
        f"{result.deployments} tag deployments new"
    )


@click.group("hook")
def hook() -> None:
    """Send pushed commits to the service from a git server's hooks."""


@hook.command("install")
@click.argument("git_dir", type=click.Path(path_type=Path))
@click.option("--repo", required=True, help="Where to record: org/project/repo.")
@click.option("--url", default=DEFAULT_URL, show_default=True)
@click.option("--force", is_flag=True, help="Replace a different existing hook.")
def install(git_dir: Path, repo: str, url: str, force: bool) -> None:
    """Install a post-receive hook that records every pushed commit."""
    target = RepoPath.parse(repo, "--repo")
    check_url(url, "--url")

    written = git_hooks.install_hook(
        git_dir, "post-receive", hook_script(url, target), force
    )

    click.echo(f"installed {written}")


def hook_script(url: str, repo: RepoPath) -> str:
    """Return the hook: the stdlib-only module and a call of its `main`."""
    source = Path(push_hook.__file__).read_text()
    call = HOOK_CALL.format(url=url, repo=str(repo))
    return f"#!{sys.executable}\n{source.rstrip()}\n{call}"


@click.command("deploy")
@click.option("--repo", required=True, help="The deployed repo: org/project/repo.")
@click.option("--sha", required=True, help="The full sha of the deployed commit.")
@click.option("--id", "deployment_id", help="Default: cli-<UTC time>-<sha prefix>.")
@click.option("--environment", default=DEFAULT_ENVIRONMENT, show_default=True)
@click.option(
    "--status",
    type=click.Choice([status.value for status in Status]),
    default=Status.SUCCESS.value,
    show_default=True,
)
@click.option("--finished-at", metavar="TIMESTAMP", help="RFC 3339; default: now.")
@click.option("--started-at", metavar="TIMESTAMP", help="RFC 3339; optional.")
@click.option(
    "--remediates",
    metavar="ID",
    help="The id of an earlier deployment this one fixes forward.",
)
@click.option(
    "--baseline",
    is_flag=True,
    help="What the environment already ran: shipped, but counted in no figure.",
)
@click.option("--url", default=DEFAULT_URL, show_default=True)
def deploy(
    repo: str,
    sha: str,
    deployment_id: str | None,
    environment: str,
    status: str,
    finished_at: str | None,
    started_at: str | None,
    remediates: str | None,
    baseline: bool,
    url: str,
) -> None:
    """Record a deployment through the REST API and print what was stored."""
    target = RepoPath.parse(repo, "--repo")
    commit = _full_sha(sha)
    check_environment(environment)
    check_url(url, "--url")
    now = datetime.now(UTC)
    body = {
        "id": deployment_id or f"cli-{now:%Y%m%dT%H%M%S.%fZ}-{commit[:12]}",
        "sha": commit,
        "environment": environment,
        "status": status,
        "finished_at": _finish(finished_at, status, now),
        "baseline": baseline,
    }
    if started_at is not None:
        body["started_at"] = parse_moment(started_at, "--started-at").isoformat()
    if remediates is not None:
        body["remediates"] = remediates

    _, stored = rest_client.call(
        "POST", f"{url.rstrip('/')}/api/v1/repos/{target}/deployments", body
    )

    click.echo(json.dumps(stored, indent=2))


def _full_sha(text: str) -> str:
    if not SHA.fullmatch(text.lower()):
        raise InvalidParameter(
            f"--sha: {text!r} is not a full commit sha (40 or 64 hex digits)"
        )
    return text.lower()


def check_url(text: str, option: str) -> str:
    """Return `text` if it is an http(s) URL with a host and a valid port."""
    try:
        parts = urllib.parse.urlsplit(text)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        _ = parts.port  # raises for a port that is no number or out of range
    except ValueError:
        valid = False
    if not valid or any(char.isspace() or not char.isprintable() for char in text):
        raise InvalidParameter(f"{option}: {text!r} is not an http(s) URL")
    return text


def _finish(text: str | None, status: str, now: datetime) -> str | None:
    if text is not None:
        return parse_moment(text, "--finished-at").isoformat()
    if status in (Status.SUCCESS, Status.FAILURE):
        return now.isoformat()
    return None
