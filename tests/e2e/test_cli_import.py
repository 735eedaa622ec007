"""`dora import`: exports read, checked row by row, and stored in one go."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from dora.adapters.memory import MemoryDatabase
from tests.e2e.cli_support import (
    REPO,
    WINDOW,
    Dora,
    memory_dora,
    metrics_json,
    sha,
    three_commit_export,
    write_export,
)

SUMMARY = re.compile(
    r"^imported acme/web/api: 3 commits \(3 new\), "
    r"3 deployments \(3 new\) in \d+\.\d s\n$"
)


@pytest.fixture
def database() -> MemoryDatabase:
    return MemoryDatabase()


@pytest.fixture
def dora(database: MemoryDatabase) -> Dora:
    return memory_dora(database)


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzipped"])
def test_import_stores_the_export_and_prints_one_summary_line(
    dora: Dora, tmp_path: Path, gzipped: bool
) -> None:
    export = three_commit_export(tmp_path / "export", gzipped)

    result = dora("import", export, "--repo", REPO)

    assert result.exit_code == 0, result.stderr
    assert SUMMARY.match(result.stdout), result.stdout
    answer = metrics_json(dora, "--format", "json")
    assert answer["deployment_frequency"] == 2
    assert answer["changes"] == 2
    assert answer["lead_time_avg_hours"] == pytest.approx(13.0)


def test_import_reads_authored_times_and_defaults_them_to_committed(
    dora: Dora, tmp_path: Path
) -> None:
    dora("import", three_commit_export(tmp_path), "--repo", REPO)

    answer = metrics_json(dora, "--format", "json", "--lead-time-from", "authored")

    assert answer["lead_time_avg_hours"] == pytest.approx(14.0)


def test_importing_the_same_export_again_adds_nothing(
    dora: Dora, tmp_path: Path
) -> None:
    export = three_commit_export(tmp_path)
    dora("import", export, "--repo", REPO)

    result = dora("import", export, "--repo", REPO)

    assert result.exit_code == 0, result.stderr
    assert "3 commits (0 new), 3 deployments (0 new)" in result.stdout


def test_a_bad_row_stores_nothing_and_names_file_line_and_field(
    dora: Dora, tmp_path: Path
) -> None:
    commits = [
        f"{sha(1)},,,2024-01-01T10:00:00Z",
        f"{sha(2)},{sha(1)},,2024-01-02 10:00",
    ]
    deployments = [f"d1,{sha(2)},production,success,2024-01-02T12:00:00Z,,"]
    export = write_export(tmp_path, commits, deployments, gzipped=True)

    result = dora("import", export, "--repo", REPO)

    assert result.exit_code == 2
    assert result.stderr.startswith("dora: error: commits.csv.gz:3: committed_at: ")
    assert "nothing was stored" in result.stderr
    assert "Traceback" not in result.stderr
    unknown = dora("metrics", "--scope", "repo", "--id", REPO, *WINDOW)
    assert unknown.exit_code == 1


def test_every_bad_row_is_reported_up_to_twenty_then_counted(
    dora: Dora, tmp_path: Path
) -> None:
    commits = [f"{sha(n)},,,not-a-time" for n in range(1, 26)]
    deployments = [f"d1,{sha(1)},production,done,2024-01-02T12:00:00Z,,maybe"]
    export = write_export(tmp_path, commits, deployments)

    result = dora("import", export, "--repo", REPO)

    lines = result.stderr.splitlines()
    assert result.exit_code == 2
    assert lines[0].startswith("commits.csv:2: committed_at: ")
    assert lines[19].startswith("commits.csv:21: committed_at: ")
    assert lines[20] == "... and 7 more problem(s)"
    assert lines[21] == f"dora: error: {tmp_path}: 27 problems; nothing was stored"


def test_deployment_rows_are_checked_by_the_rules_of_the_rest_api(
    dora: Dora, tmp_path: Path
) -> None:
    commits = [f"{sha(1)},,,2024-01-01T10:00:00Z"]
    deployments = [
        f"d1,{sha(1)},production,done,2024-01-02T12:00:00Z,,",
        f"d2,{sha(1)},production,success,,,",
        f"d3,{sha(1)},production,success,2024-01-02T12:00:00Z,,maybe",
    ]
    export = write_export(tmp_path, commits, deployments)

    result = dora("import", export, "--repo", REPO)

    assert "deployments.csv:2: status: " in result.stderr
    assert "deployments.csv:3: finished_at is required" in result.stderr
    assert "deployments.csv:4: baseline: " in result.stderr


def test_a_row_with_too_few_fields_is_a_problem_of_its_line(
    dora: Dora, tmp_path: Path
) -> None:
    export = write_export(tmp_path, [f"{sha(1)},,"], [])

    result = dora("import", export, "--repo", REPO)

    assert result.exit_code == 2
    assert "commits.csv:2: 3 fields where the header has 4" in result.stderr


def test_deployments_without_started_at_and_baseline_columns_are_read(
    dora: Dora, tmp_path: Path
) -> None:
    commits = [f"{sha(1)},,,2024-01-01T10:00:00Z"]
    deployments = [f"d1,{sha(1)},production,success,2024-01-01T13:00:00Z"]
    header = "id,sha,environment,status,finished_at"
    export = write_export(tmp_path, commits, deployments, deployment_header=header)

    result = dora("import", export, "--repo", REPO)

    assert result.exit_code == 0, result.stderr
    assert metrics_json(dora, "--format", "json")["lead_time_avg_hours"] == 3.0


def test_incidents_are_imported_and_count_as_failures(
    dora: Dora, tmp_path: Path
) -> None:
    export = three_commit_export(tmp_path)
    (export / "incidents.csv").write_text(
        "id,environment,started_at,resolved_at,deployment_id\n"
        "i1,production,2024-01-02T13:00:00Z,2024-01-02T15:00:00Z,d1\n"
    )

    result = dora("import", export, "--repo", REPO)

    assert result.exit_code == 0, result.stderr
    assert "3 deployments (3 new), 1 incidents in" in result.stdout
    answer = metrics_json(dora, "--format", "json")
    assert answer["failed_deployments"] == 1
    assert answer["change_failure_rate"] == pytest.approx(0.5)
    assert answer["recovery_time_median_hours"] == pytest.approx(3.0)


def test_incident_rows_are_checked_by_the_rules_of_the_rest_api(
    dora: Dora, tmp_path: Path
) -> None:
    export = three_commit_export(tmp_path)
    (export / "incidents.csv").write_text(
        "id,started_at,resolved_at\n"
        "i1,2024-01-02T13:00:00Z,2024-01-02T12:00:00Z\n"
        "i2,,\n"
    )

    result = dora("import", export, "--repo", REPO)

    assert result.exit_code == 2
    assert "incidents.csv:2: resolved_at: " in result.stderr
    assert "incidents.csv:3: started_at: " in result.stderr


def test_a_repeated_identical_commit_row_is_imported_once(
    dora: Dora, tmp_path: Path
) -> None:
    row = f"{sha(1)},,,2024-01-01T10:00:00Z"
    export = write_export(tmp_path, [row, row], [])

    result = dora("import", export, "--repo", REPO)

    assert result.exit_code == 0, result.stderr
    assert "1 commits (1 new)" in result.stdout


def test_a_repeated_sha_with_other_values_is_a_problem(
    dora: Dora, tmp_path: Path
) -> None:
    commits = [f"{sha(1)},,,2024-01-01T10:00:00Z", f"{sha(1)},,,2024-01-01T11:00:00Z"]
    export = write_export(tmp_path, commits, [])

    result = dora("import", export, "--repo", REPO)

    assert result.exit_code == 2
    assert "commits.csv:3: sha: " in result.stderr
    assert "line 2" in result.stderr


def test_a_missing_file_is_named(dora: Dora, tmp_path: Path) -> None:
    export = three_commit_export(tmp_path)
    (export / "deployments.csv").unlink()

    result = dora("import", export, "--repo", REPO)

    assert result.exit_code == 2
    assert "deployments.csv: is missing" in result.stderr


def test_a_missing_column_is_named(dora: Dora, tmp_path: Path) -> None:
    export = three_commit_export(tmp_path)
    (export / "commits.csv").write_text("sha,parents,committed_at\n")

    result = dora("import", export, "--repo", REPO)

    assert result.exit_code == 2
    assert "commits.csv:1: the header lacks the column(s) authored_at" in result.stderr


@pytest.mark.parametrize(
    "damage",
    [lambda data: b"not gzip at all", lambda data: data[: len(data) // 2]],
    ids=["not-gzip", "truncated"],
)
def test_an_unreadable_gzip_file_is_named(
    dora: Dora, tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    export = three_commit_export(tmp_path, gzipped=True)
    damaged = export / "commits.csv.gz"
    damaged.write_bytes(damage(damaged.read_bytes()))

    result = dora("import", export, "--repo", REPO)

    assert result.exit_code == 2
    assert re.search(r"commits\.csv\.gz: cannot be read \(.+\)", result.stderr)
    assert "Traceback" not in result.stderr


def test_an_invalid_repo_path_is_refused_before_reading(
    dora: Dora, tmp_path: Path
) -> None:
    result = dora("import", three_commit_export(tmp_path), "--repo", "acme/api")

    assert result.exit_code == 2
    assert result.stderr.startswith("dora: error: repo: 'acme/api' is not a path")
