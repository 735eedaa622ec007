"""A real `dora serve` with tokens, and the commands that talk to it."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dora.entrypoints import push_hook

from .dora_process import DORA, dora_service, free_port

WRITER = "acme-writer-0123456789"
SHA = "c" * 40
COMMIT = {"sha": SHA, "parents": [], "committed_at": "2024-01-02T10:00:00Z"}


def serve(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `dora serve` expecting it to refuse to start."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DORA_")}
    return subprocess.run(
        [DORA, "serve", *args],
        cwd=cwd,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_serve_refuses_an_open_service_on_every_interface(tmp_path: Path):
    refused = serve("--host", "0.0.0.0", "--port", str(free_port()), cwd=tmp_path)

    assert refused.returncode == 2
    assert "--host: '0.0.0.0' is not a loopback address" in refused.stderr
    assert "--insecure" in refused.stderr


def test_serve_refuses_a_malformed_token_file_by_its_line(tmp_path: Path):
    listing = tmp_path / "tokens"
    listing.write_text(f"{WRITER} acme write\n{WRITER}2 acme owner\n")

    refused = serve(cwd=tmp_path, DORA_TOKENS_FILE=str(listing))

    assert refused.returncode == 2
    assert "line 2: role 'owner' is not read or write" in refused.stderr
    assert WRITER not in refused.stderr


@pytest.fixture(scope="module")
def guarded_url(tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("guarded")
    with dora_service(workdir, env={"DORA_TOKENS": f"{WRITER} acme write"}) as url:
        yield url
    assert WRITER not in (workdir / "serve.log").read_text()


def test_deploy_is_refused_without_the_token_and_accepted_with_it(
    guarded_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DORA_TOKEN", WRITER)
    push_hook.request("PUT", guarded_url + "/api/v1/repos/acme/web/shop", {}, 5.0)
    args = ["deploy", "--repo", "acme/web/shop", "--sha", SHA, "--url", guarded_url]

    anonymous = client_command(args, tmp_path, {})
    allowed = client_command(args, tmp_path, {"DORA_TOKEN": WRITER})

    assert anonymous.returncode != 0
    assert "answered 401" in anonymous.stderr
    assert allowed.returncode == 0, allowed.stderr


def test_the_push_hook_stores_commits_with_the_token(
    guarded_url: str, monkeypatch: pytest.MonkeyPatch
):
    base = guarded_url + "/api/v1/repos/acme/web/hook"
    monkeypatch.setenv("DORA_TOKEN", WRITER)

    push_hook.send(base, iter([COMMIT]))

    request = urllib.request.Request(
        f"{base}/commits/{SHA}", headers={"Authorization": f"Bearer {WRITER}"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert json.loads(answer.read())["sha"] == SHA


def test_the_push_hook_is_refused_without_the_token(
    guarded_url: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("DORA_TOKEN", raising=False)

    with pytest.raises(push_hook.ServiceError, match="HTTP 401"):
        push_hook.send(guarded_url + "/api/v1/repos/acme/web/x", iter([COMMIT]))


def client_command(
    args: list[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run a `dora` command that talks to the server, with only `env` added."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DORA_")}
    return subprocess.run(
        [DORA, *args],
        cwd=cwd,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
