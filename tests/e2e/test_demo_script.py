"""`scripts/demo` checks for the shared data before it installs anything."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

DEMO = Path(__file__).parents[2] / "scripts" / "demo"


def test_the_demo_without_the_shared_folder_says_how_to_point_at_it(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "shared"
    env = {
        **os.environ,
        "DORA_SHARED_DIR": str(missing),
        "DORA_VENV": str(tmp_path / "venv"),
    }

    result = subprocess.run(
        [str(DEMO)], env=env, capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 1
    assert f"'{missing}/data/flask' does not exist" in result.stderr
    assert "set DORA_SHARED_DIR=/path/to/shared" in result.stderr
    assert not (tmp_path / "venv").exists()
