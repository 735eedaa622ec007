"""Bad input on the command line: one `dora: error:` line, status 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

from dora.adapters.memory import MemoryDatabase
from tests.e2e.cli_support import REPO, Dora, memory_dora

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
