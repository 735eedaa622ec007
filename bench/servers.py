"""Server processes for the benchmarks: `dora serve`, and a trivial handler."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

STARTUP_S = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dora_server(database_url: str) -> Iterator[str]:
    """Run `dora serve` on 127.0.0.1; yield its base URL.

    At log level WARNING aiohttp's access logger is disabled, so no request
    is formatted or written.
    """
    port = free_port()
    dora = Path(sys.executable).parent / "dora"
    env = {**os.environ, "DORA_DATABASE_URL": database_url}
    env |= {"DORA_LOG_LEVEL": "WARNING"}
    env.pop("DORA_TOKENS", None)
    env.pop("DORA_TOKENS_FILE", None)
    command = [str(dora), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with _running(command, env, port) as base:
        yield base


@contextmanager
def trivial_server() -> Iterator[str]:
    """Run an aiohttp app whose one handler answers a constant JSON object."""
    port = free_port()
    command = [sys.executable, "-m", "bench.servers", str(port)]
    with _running(command, dict(os.environ), port) as base:
        yield base


@contextmanager
def _running(command: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    process = subprocess.Popen(command, env=env, cwd=Path(__file__).parent.parent)
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not listen on port {port} in {STARTUP_S} s")


async def _ok(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "answer": 42})


def main(port: int) -> None:
    app = web.Application()
    app.router.add_get("/api/v1/metrics/dora", _ok)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main(int(sys.argv[1]))
