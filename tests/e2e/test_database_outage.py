"""With its database down, dora answers 503 at once and recovers by itself."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.own_postgres import own_postgres

from .dora_process import dora_service

REPO = "/api/v1/repos/acme/web/shop"
METRICS = "/api/v1/metrics/dora?scope=org&id=acme&from=2024-01-01&to=2024-01-31"


def commit(number: int) -> dict[str, Any]:
    return {"sha": f"{number:040x}", "committed_at": "2024-01-02T10:00:00Z"}


def call(method: str, url: str, body: Any = None) -> tuple[int, Any, float]:
    """Return the status, decoded body and seconds taken of one request."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    began = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, json.loads(raw), time.monotonic() - began


def wait_healthy(url: str, seconds: float) -> float:
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if call("GET", url + "/healthz")[0] == 200:
            return time.monotonic() - began
        time.sleep(0.2)
    raise AssertionError(f"not healthy again within {seconds} s")


def test_a_stopped_database_is_503_quickly_and_its_return_heals(tmp_path: Path):
    with own_postgres() as database, dora_service(tmp_path, database.url) as url:
        assert call("PUT", url + REPO)[0] == 201
        assert call("POST", url + REPO + "/commits", {"commits": [commit(1)]})[0] == 200

        database.stop()
        down = [
            call("GET", url + "/healthz"),
            call("POST", url + REPO + "/commits", {"commits": [commit(2)]}),
            call("GET", url + METRICS),
            call("GET", url + REPO + "/commits/" + commit(1)["sha"]),
        ]
        database.start()
        healed_after = wait_healthy(url, 15)
        stored = call("POST", url + REPO + "/commits", {"commits": [commit(2)]})
        metrics = call("GET", url + METRICS)

    assert [status for status, _, _ in down] == [503] * 4
    assert all(body["error"]["code"] == "unavailable" for _, body, _ in down)
    assert down[0][1]["error"]["message"] == "database: postgresql cannot be reached"
    assert max(seconds for _, _, seconds in down) < 3
    assert healed_after < 15
    assert stored[:2] == (200, {"received": 1, "inserted": 1})
    assert metrics[0] == 200
    log = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in log
