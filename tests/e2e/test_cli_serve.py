"""`dora serve` as a process: what it says when it cannot serve, and when it can."""

from __future__ import annotations

import socket
from pathlib import Path

from .dora_process import dora, dora_service


def test_a_port_already_taken_is_one_error_line_and_status_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = dora(
            "serve",
            "--port",
            str(port),
            cwd=tmp_path,
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'd.db'}",
        )

    assert result.returncode == 1
    assert result.stderr == (
        f"dora: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    )


def test_a_host_that_does_not_resolve_is_one_error_line(tmp_path: Path) -> None:
    result = dora(
        "serve",
        "--host",
        "no-such-host.invalid",
        "--insecure",
        cwd=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'd.db'}",
    )

    assert result.returncode == 1
    assert result.stderr.startswith(
        "dora: error: cannot listen on no-such-host.invalid:8080: "
    )
    assert result.stderr.count("\n") == 1


def test_the_serving_line_is_logged_once_the_service_answers(tmp_path: Path) -> None:
    with dora_service(tmp_path) as url:
        log = (tmp_path / "serve.log").read_text()

    assert f"dora serving {url} on the sqlite database" in log
