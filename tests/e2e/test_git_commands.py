"""`dora import-git`, `dora hook install` and `dora deploy`, run for real."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dora.entrypoints.cli import main
from tests.git_builder import GitRepo, git, git_env

from .dora_process import dora, dora_service, free_port, post_json

REPO = "acme/web/shop"
WINDOW = ("--from", "2024-01-01", "--to", "2024-01-31")


@pytest.fixture
def released(tmp_path: Path) -> GitRepo:
    """Two releases: v1 (lightweight) on c2, v2 (annotated) on c3."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit("c1", "2024-01-01T10:00:00Z")
    repo.commit("c2", "2024-01-01T12:00:00Z")
    repo.run("tag", "v1")
    repo.commit("c3", "2024-01-02T10:00:00Z")
    repo.run("tag", "-a", "v2", "-m", "release 2", when="2024-01-02T16:00:00Z")
    repo.run("tag", "nightly")
    return repo


def cli(database_url: str, *args: str) -> Result:
    """Run `dora` in-process, as a user would, on the given database."""
    runner = CliRunner()
    return runner.invoke(main, list(args), env={"DORA_DATABASE_URL": database_url})


def metrics(database_url: str) -> dict[str, object]:
    shown = cli(
        database_url,
        "metrics",
        "--scope",
        "repo",
        "--id",
        REPO,
        *WINDOW,
        "--format",
        "json",
        "--recompute",
    )
    assert shown.exit_code == 0, shown.output
    answer: dict[str, object] = json.loads(shown.stdout)
    return answer


def import_git(database_url: str, repo: GitRepo, *options: str) -> str:
    result = cli(
        database_url,
        "import-git",
        str(repo.path),
        "--repo",
        REPO,
        "--tags",
        "v*",
        *options,
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_imported_tags_give_the_lead_times_counted_by_hand(database_url, released):
    summary = import_git(database_url, released)

    answer = metrics(database_url)
    # v1 ships c1 (2 h) and c2 (0 h); v2 ships c3 (6 h, tagger date).
    assert "3 of 3 commits new, 2 of 2 tag deployments new" in summary
    assert answer["deployment_frequency"] == 2
    assert answer["changes"] == 3
    assert answer["lead_time_avg_hours"] == pytest.approx(8 / 3)
    assert answer["lead_time_median_hours"] == pytest.approx(2.0)


def test_a_baseline_tag_is_not_charged_with_the_history_before_it(
    database_url, released
):
    import_git(database_url, released, "--baseline-before", "2024-01-02")

    answer = metrics(database_url)

    assert answer["deployment_frequency"] == 1
    assert answer["changes"] == 1
    assert answer["lead_time_avg_hours"] == pytest.approx(6.0)


def test_importing_the_same_history_again_changes_nothing(database_url, released):
    import_git(database_url, released)
    before = metrics(database_url)

    summary = import_git(database_url, released)

    after = metrics(database_url)
    assert "0 of 3 commits new, 0 of 2 tag deployments new" in summary
    for figure in ("deployment_frequency", "changes", "lead_time_avg_hours"):
        assert after[figure] == before[figure]


def test_importing_a_directory_that_is_no_repository_names_it(tmp_path):
    result = dora(
        "import-git",
        str(tmp_path),
        "--repo",
        REPO,
        cwd=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'd.db'}",
    )

    assert result.returncode == 2
    assert result.stderr.startswith(f"dora: error: PATH: {str(tmp_path)!r}: ")
    assert result.stderr.count("\n") == 1


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "--bare", "-b", "main", "server.git")
    return tmp_path / "server.git"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[str]:
    with dora_service(tmp_path) as url:
        yield url


def install_hook(tmp_path: Path, bare: Path, url: str, *options: str) -> str:
    result = dora(
        "hook",
        "install",
        str(bare),
        "--repo",
        REPO,
        "--url",
        url,
        *options,
        cwd=tmp_path,
        database_url="sqlite+aiosqlite:///unused.db",
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def clone(tmp_path: Path, bare: Path) -> GitRepo:
    git(tmp_path, "clone", "-q", str(bare), "work")
    return GitRepo(tmp_path / "work", init=False)


def push(work: GitRepo) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "push", "-q", "origin", "main"],
        cwd=work.path,
        env=git_env(),
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_pushed_commits_and_a_cli_deployment_give_their_lead_time(
    tmp_path, bare, service
):
    install_hook(tmp_path, bare, service)
    work = clone(tmp_path, bare)
    work.commit("first", "2024-01-01T09:00:00Z")
    head = work.commit("second", "2024-01-01T11:00:00Z")

    pushed = push(work)
    deployed = dora(
        "deploy",
        "--repo",
        REPO,
        "--sha",
        head,
        "--id",
        "release-1",
        "--finished-at",
        "2024-01-01T15:00:00Z",
        "--url",
        service,
        cwd=tmp_path,
        database_url="sqlite+aiosqlite:///unused.db",
    )

    answer = post_json(
        service + "/api/v1/metrics/dora/recompute",
        {"scope": "repo", "id": REPO, "from": "2024-01-01", "to": "2024-01-31"},
    )
    assert pushed.returncode == 0, pushed.stderr
    assert deployed.returncode == 0, deployed.stderr
    assert json.loads(deployed.stdout)["sha"] == head
    assert answer["deployment_frequency"] == 1
    assert answer["changes"] == 2
    assert answer["lead_time_avg_hours"] == pytest.approx(5.0)
    assert answer["lead_time_p90_hours"] == pytest.approx(5.8)


def test_a_push_succeeds_quickly_and_warns_when_the_service_is_down(tmp_path, bare):
    install_hook(tmp_path, bare, f"http://127.0.0.1:{free_port()}")
    work = clone(tmp_path, bare)
    work.commit("first", "2024-01-01T09:00:00Z")

    began = time.monotonic()
    pushed = push(work)
    took = time.monotonic() - began

    assert pushed.returncode == 0
    assert took < 1.5
    assert "dora: commits not recorded" in pushed.stderr


def test_a_different_existing_hook_is_kept_unless_forced(tmp_path, bare):
    hook = bare / "hooks" / "post-receive"
    hook.write_text("#!/bin/sh\necho mine\n")

    refused = dora(
        "hook",
        "install",
        str(bare),
        "--repo",
        REPO,
        cwd=tmp_path,
        database_url="sqlite+aiosqlite:///unused.db",
    )
    install_hook(tmp_path, bare, "http://127.0.0.1:8080", "--force")

    assert refused.returncode != 0
    assert "--force" in refused.stderr
    assert "dora" in hook.read_text()


def test_installing_the_same_hook_twice_is_allowed(tmp_path, bare):
    install_hook(tmp_path, bare, "http://127.0.0.1:8080")

    again = install_hook(tmp_path, bare, "http://127.0.0.1:8080")

    assert "post-receive" in again


def test_a_deployment_the_service_refuses_prints_its_message(tmp_path, service):
    result = dora(
        "deploy",
        "--repo",
        "acme/web/unknown",
        "--sha",
        "a" * 40,
        "--url",
        service,
        cwd=tmp_path,
        database_url="sqlite+aiosqlite:///unused.db",
    )

    assert result.returncode != 0
    assert "404" in result.stderr
    assert "acme/web/unknown" in result.stderr
