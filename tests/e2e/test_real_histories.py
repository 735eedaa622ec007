"""Real exports through `dora import` and `dora metrics` give the reference values.

The references were computed independently of this code (once with git
itself); both exports sit in the shared data folder beside the checkout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from tests.e2e.cli_support import sql_dora
from tests.e2e.scenarios import TOLERANCE, shared_dir


@dataclass(frozen=True)
class Reference:
    export: str
    repo: str
    start: str
    end: str
    deployment_frequency: int
    changes: int
    lead_time_avg_hours: float
    lead_time_median_hours: float


REFERENCES = [
    Reference(
        "flask", "pallets/web/flask", "2024-01-01", "2024-12-31",
        11, 212, 3964.0796, 2571.9347,
    ),
    Reference(
        "renovate", "renovatebot/web/renovate", "2025-06-01", "2025-06-30",
        136, 295, 6.4562, 0.0117,
    ),
]  # fmt: skip


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.export)
def test_an_imported_real_history_gives_the_reference_metrics(
    database_url: str, reference: Reference
) -> None:
    dora = sql_dora(database_url)
    export = shared_dir("data") / reference.export

    imported = dora("import", export, "--repo", reference.repo)
    printed = dora(
        "metrics", "--scope", "repo", "--id", reference.repo,
        "--from", reference.start, "--to", reference.end, "--format", "json",
    )  # fmt: skip

    assert imported.exit_code == 0, imported.stderr
    assert printed.exit_code == 0, printed.stderr
    answer = json.loads(printed.stdout)
    assert answer["deployment_frequency"] == reference.deployment_frequency
    assert answer["changes"] == reference.changes
    for figure in ("lead_time_avg_hours", "lead_time_median_hours"):
        assert answer[figure] == pytest.approx(
            getattr(reference, figure), abs=TOLERANCE
        ), figure
