"""Run the `dora` command and a real `dora serve` as subprocesses."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.git_builder import git_env

DORA = str(Path(sys.executable).parent / "dora")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dora(*args: str, cwd: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    """Run `dora` to its end on the given database."""
    env = {**git_env(), "DORA_DATABASE_URL": database_url}
    return subprocess.run(
        [DORA, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@contextmanager
def dora_service(
    workdir: Path,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Serve a database (a fresh SQLite file by default) on a free port.

    Yield the base URL; the server's log goes to `serve.log` in `workdir`.
    """
    port = free_port()
    default_url = f"sqlite+aiosqlite:///{workdir / 'served.db'}"
    environment = {
        **git_env(),
        "DORA_DATABASE_URL": database_url or default_url,
        **(env or {}),
    }
    with (
        open(workdir / "serve.log", "ab") as log,
        subprocess.Popen(
            [DORA, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=workdir,
            env=environment,
            stdout=log,
            stderr=log,
        ) as server,
    ):
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, server)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


def _wait_healthy(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"dora serve exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"dora serve did not become healthy at {url}")


def post_json(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())
