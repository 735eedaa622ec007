"""The push hook and `dora deploy` authenticate with DORA_TOKEN when it is set."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from dora.entrypoints import push_hook
from dora.entrypoints.cli import main


class Recorder(BaseHTTPRequestHandler):
    """Answer every request 201 with its own body, and remember it."""

    seen: ClassVar[list[tuple[str, str | None, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        self.seen.append((self.path, self.headers.get("Authorization"), body))
        answer = json.dumps(body).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_PUT = do_POST

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_deploy_sends_the_token_and_a_finish_time_for_a_success(recorder):
    runner = CliRunner()

    result = runner.invoke(
        main,
        ["deploy", "--repo", "acme/web/shop", "--sha", "A" * 40, "--url", recorder],
        env={"DORA_TOKEN": "s3cret"},
    )

    assert result.exit_code == 0, result.output
    [(path, authorization, body)] = Recorder.seen
    assert path == "/api/v1/repos/acme/web/shop/deployments"
    assert authorization == "Bearer s3cret"
    assert body["sha"] == "a" * 40
    assert body["id"].startswith("cli-")
    assert body["finished_at"] is not None


def test_the_hook_sends_the_token(recorder, monkeypatch):
    monkeypatch.setenv("DORA_TOKEN", "s3cret")

    push_hook.request("PUT", recorder + "/api/v1/repos/a/b/c", {}, 1.0)

    assert Recorder.seen == [("/api/v1/repos/a/b/c", "Bearer s3cret", {})]


def test_the_hook_sends_no_authorization_without_a_token(recorder, monkeypatch):
    monkeypatch.delenv("DORA_TOKEN", raising=False)

    push_hook.request("PUT", recorder + "/api/v1/repos/a/b/c", {}, 1.0)

    assert Recorder.seen[0][1] is None
