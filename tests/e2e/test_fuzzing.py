"""Schemathesis fuzzes a real `dora serve` from its own OpenAPI description.

Bounded so that the suite stays quick; README.md gives a longer run. Every
answer must be a declared status with a body that fits the description, and
none may be a 5xx.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .dora_process import dora_service

ST = str(Path(sys.executable).parent / "st")
EXAMPLES_PER_OPERATION = 25
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "unsupported_method",
    ]
)


def test_fuzzed_requests_get_no_5xx_and_answers_that_fit_the_schema(tmp_path: Path):
    with dora_service(tmp_path) as url:
        run = subprocess.run(
            [
                ST,
                "run",
                f"{url}/api/v1/openapi.json",
                "--checks",
                CHECKS,
                "--max-examples",
                str(EXAMPLES_PER_OPERATION),
                "--phases",
                "examples,coverage,fuzzing",
                # One worker: parallel workers parse schemas in threads, which
                # trips a CPython 3.11 ast bug ("recursion depth mismatch").
                "--workers",
                "1",
                "--seed",
                "20240101",
                # Generation efficiency is hypothesis's concern, not the API's:
                # strict schemas leave it many drawn values to discard.
                "--suppress-health-check",
                "filter_too_much",
                "--generation-database",
                "none",
                "--no-color",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=240,
        )

    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    # aiohttp itself logs the requests it cannot parse (a NUL in a header)
    # with a traceback, answering 400; only a 5xx of dora would be a failure.
    log = (tmp_path / "serve.log").read_text()
    assert not re.search(r'HTTP/1\.[01]" 5\d\d ', log)
