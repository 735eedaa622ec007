"""Bad input on the command line: one `dora: error:` line, status 2, no traceback."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from dora.adapters.memory import MemoryDatabase
from tests.e2e.cli_support import REPO, Dora, memory_dora
from tests.e2e.dora_process import dora_service, post_json
from tests.git_builder import git

SHA = "ab" * 20
BAD_URLS = ["not a url", "ftp://example.org", "http://", "http://host:99999"]


@pytest.fixture
def dora() -> Dora:
    return memory_dora(MemoryDatabase())


def assert_refused(result: Result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr == f"dora: error: {message}\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("url", BAD_URLS)
def test_deploy_refuses_a_url_that_is_not_http(dora: Dora, url: str) -> None:
    result = dora("deploy", "--repo", REPO, "--sha", SHA, "--url", url)

    assert_refused(result, f"--url: {url!r} is not an http(s) URL")


@pytest.mark.parametrize("url", BAD_URLS)
def test_hook_install_refuses_a_url_that_is_not_http(
    dora: Dora, tmp_path: Path, url: str
) -> None:
    result = dora("hook", "install", tmp_path, "--repo", REPO, "--url", url)

    assert_refused(result, f"--url: {url!r} is not an http(s) URL")
    assert not (tmp_path / "hooks").exists()


@pytest.mark.parametrize("given", ["HEAD", "abc123", "g" * 40, "a" * 41])
def test_deploy_refuses_a_sha_that_is_not_full_naming_it_as_given(
    dora: Dora, given: str
) -> None:
    result = dora("deploy", "--repo", REPO, "--sha", given)

    assert_refused(
        result, f"--sha: {given!r} is not a full commit sha (40 or 64 hex digits)"
    )


def test_deploy_refuses_an_invalid_environment(dora: Dora) -> None:
    result = dora("deploy", "--repo", REPO, "--sha", SHA, "--environment", "a b")

    assert result.exit_code == 2
    assert result.stderr.startswith("dora: error: environment: 'a b' ")


@pytest.fixture
def service(tmp_path: Path) -> Iterator[str]:
    with dora_service(tmp_path) as url:
        put(f"{url}/api/v1/repos/{REPO}")
        yield url


def put(url: str) -> None:
    with urllib.request.urlopen(urllib.request.Request(url, method="PUT")):
        pass


def test_deploy_sends_an_upper_case_sha_in_lower_case(dora: Dora, service: str) -> None:
    result = dora("deploy", "--repo", REPO, "--sha", SHA.upper(), "--url", service)

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["sha"] == SHA


def test_a_deployment_the_service_finds_invalid_exits_with_status_2(
    dora: Dora, service: str
) -> None:
    late = ("--finished-at", "3100-01-01T00:00:00Z")

    result = dora("deploy", "--repo", REPO, "--sha", SHA, *late, "--url", service)

    assert result.exit_code == 2
    assert result.stderr.startswith("dora: error: the service answered 422: ")
    assert result.stderr.count("\n") == 1


def test_import_git_of_a_missing_path_exits_with_status_2_naming_it(
    dora: Dora, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere"

    result = dora("import-git", missing, "--repo", REPO)

    assert_refused(result, f"PATH: {str(missing)!r} is not a directory")


def test_hook_install_into_no_repository_exits_with_status_2_naming_it(
    dora: Dora, tmp_path: Path
) -> None:
    result = dora("hook", "install", tmp_path, "--repo", REPO)

    assert_refused(result, f"GIT_DIR: {str(tmp_path)!r} is not a git repository")


def test_hook_install_over_a_directory_is_one_error_line(
    dora: Dora, tmp_path: Path
) -> None:
    git(tmp_path, "init", "-q", "--bare", "server.git")
    hook = tmp_path / "server.git" / "hooks" / "post-receive"
    hook.mkdir()

    result = dora("hook", "install", tmp_path / "server.git", "--repo", REPO)

    assert result.exit_code == 1
    assert result.stderr == f"dora: error: GIT_DIR: {str(hook)!r} is a directory\n"


def test_deploy_records_a_baseline_a_start_and_a_fix_forward(
    dora: Dora, service: str
) -> None:
    def deploy(deployment_id: str, finished: str, *options: str) -> dict[str, Any]:
        given = ("--id", deployment_id, "--finished-at", finished, *options)
        result = dora("deploy", "--repo", REPO, "--sha", SHA, "--url", service, *given)
        assert result.exit_code == 0, result.stderr
        stored: dict[str, Any] = json.loads(result.stdout)
        return stored

    base = deploy("d0", "2024-01-01T10:00:00Z", "--baseline")
    deploy("d1", "2024-01-02T10:00:00Z")
    fix = deploy(
        "d2",
        "2024-01-02T12:00:00Z",
        "--remediates",
        "d1",
        "--started-at",
        "2024-01-02T11:30:00+00:00",
    )

    answer = post_json(
        f"{service}/api/v1/metrics/dora/recompute",
        {"scope": "repo", "id": REPO, "from": "2024-01-01", "to": "2024-01-31"},
    )
    assert base["baseline"] is True
    assert fix["remediates"] == "d1"
    assert fix["started_at"].startswith("2024-01-02T11:30:00")
    assert answer["deployment_frequency"] == 2
    assert answer["failed_deployments"] == 1
    assert answer["recovery_time_median_hours"] == pytest.approx(2.0)


def test_deploy_help_names_the_failure_options(dora: Dora) -> None:
    result = dora("deploy", "--help")

    for option in ("--remediates ID", "--baseline", "--started-at TIMESTAMP"):
        assert option in result.stdout


def test_the_main_help_names_every_figure(dora: Dora) -> None:
    result = dora("--help")

    text = " ".join(result.stdout.lower().split())
    for figure in (
        "deployment frequency",
        "lead time for changes",
        "change failure rate",
        "recovery time",
        "rework rate",
        "performance levels",
    ):
        assert figure in text
